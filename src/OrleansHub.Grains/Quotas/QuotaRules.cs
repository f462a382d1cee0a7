using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Quotas;

namespace OrleansHub.Grains.Quotas;

/// <summary>Rules for agency quotas. Pure: every rule is tested without a cluster.</summary>
public static class QuotaRules
{
    /// <summary>The highest sustained rate a contract may name; anything above is a typing error, not a contract.</summary>
    public const long MaxRatePerSecond = 1_000_000;

    /// <summary>
    /// The smallest burst: the largest batch lookup (100 IDs) costs 100, and a request costing more than the burst could
    /// never be admitted.
    /// </summary>
    public const long MinBurst = 100;

    public const long MaxBurst = 10_000_000;

    public const long MaxDailyRequests = 10_000_000_000;

    public const long MaxMonthlyRequests = 300_000_000_000;

    /// <summary>Lists every rule <paramref name="quota"/> breaks; empty when it may be stored.</summary>
    public static IReadOnlyList<FieldError> Validate(AgencyQuota quota)
    {
        var errors = new List<FieldError>();
        if (quota.RatePerSecond is null && quota.Burst is null && quota.DailyRequests is null && quota.MonthlyRequests is null)
        {
            errors.Add(new("quota", "Set at least one limit; to make the agency unlimited, delete its quota."));
            return errors;
        }

        if (quota.RatePerSecond is { } rate && rate is < 1 or > MaxRatePerSecond)
        {
            errors.Add(new("ratePerSecond", $"Must be a whole number of requests per second from 1 to {MaxRatePerSecond:N0}."));
        }

        if (quota.Burst is { } burst && burst is < MinBurst or > MaxBurst)
        {
            errors.Add(new("burst", $"Must be from {MinBurst} (the largest batch) to {MaxBurst:N0} requests."));
        }

        if (quota.RatePerSecond is null != quota.Burst is null)
        {
            errors.Add(new(quota.RatePerSecond is null ? "ratePerSecond" : "burst", "Rate and burst are set together (or neither)."));
        }

        if (quota.DailyRequests is { } daily && daily is < 1 or > MaxDailyRequests)
        {
            errors.Add(new("dailyRequests", $"Must be from 1 to {MaxDailyRequests:N0}; omit it for no daily quota."));
        }

        if (quota.MonthlyRequests is { } monthly && monthly is < 1 or > MaxMonthlyRequests)
        {
            errors.Add(new("monthlyRequests", $"Must be from 1 to {MaxMonthlyRequests:N0}; omit it for no monthly quota."));
        }
        else if (quota.MonthlyRequests is { } month && quota.DailyRequests is { } day && month < day)
        {
            errors.Add(new("monthlyRequests", "Must not be smaller than the daily quota."));
        }

        return errors;
    }
}
