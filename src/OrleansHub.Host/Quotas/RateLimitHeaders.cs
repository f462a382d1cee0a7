using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains.Quotas;

namespace OrleansHub.Host.Quotas;

/// <summary>
/// Writes the IETF draft rate-limit fields (draft-ietf-httpapi-ratelimit-headers): <c>RateLimit-Policy</c> names each
/// contracted limit with its quota <c>q</c> and window <c>w</c> in seconds; <c>RateLimit</c> gives for each the units
/// remaining <c>r</c> and the seconds <c>t</c> until it resets. Unlimited agencies get neither field.
/// </summary>
public static class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string Current = "RateLimit";

    // The policy field depends only on the quota (and the month's length): made once per quota, not per answer.
    private static readonly ConditionalWeakTable<AgencyQuota, StrongBox<(DateTimeOffset MonthEndsAt, string Field)>> Policies = [];

    public static void Write(HttpResponse response, AllowanceView? view, DateTimeOffset now)
    {
        if (view?.Quota is not { } quota)
        {
            return;
        }

        var cached = Policies.GetValue(quota, static _ => new StrongBox<(DateTimeOffset, string)>((DateTimeOffset.MinValue, "")));
        var policy = cached.Value;
        if (policy.MonthEndsAt != view.MonthEndsAt)
        {
            policy = (view.MonthEndsAt, PolicyField(quota, view.MonthEndsAt));
            cached.Value = policy;
        }

        var current = new StringBuilder(96);
        if (quota is { RatePerSecond: not null, Burst: not null })
        {
            // The rate's remaining units are those this silo holds for the agency now: a lower bound of what the cluster would admit.
            Separate(current).Append(CultureInfo.InvariantCulture, $"\"rate\";r={view.HeldBySilo};t={Seconds(view.RateRetryAt is { } retry ? retry - now : TimeSpan.Zero)}");
        }

        if (quota.DailyRequests is not null)
        {
            Separate(current).Append(CultureInfo.InvariantCulture, $"\"daily\";r={view.DailyRemaining};t={Seconds(view.DayEndsAt - now)}");
        }

        if (quota.MonthlyRequests is not null)
        {
            Separate(current).Append(CultureInfo.InvariantCulture, $"\"monthly\";r={view.MonthlyRemaining};t={Seconds(view.MonthEndsAt - now)}");
        }

        response.Headers[Policy] = policy.Field;
        response.Headers[Current] = current.ToString();
    }

    private static string PolicyField(AgencyQuota quota, DateTimeOffset monthEndsAt)
    {
        var policy = new StringBuilder();
        if (quota is { RatePerSecond: { } rate, Burst: { } burst })
        {
            Separate(policy).Append(CultureInfo.InvariantCulture, $"\"rate\";q={burst};w={Math.Max(1, (long)Math.Ceiling((double)burst / rate))}");
        }

        if (quota.DailyRequests is { } daily)
        {
            Separate(policy).Append(CultureInfo.InvariantCulture, $"\"daily\";q={daily};w=86400");
        }

        if (quota.MonthlyRequests is { } monthly)
        {
            Separate(policy).Append(CultureInfo.InvariantCulture, $"\"monthly\";q={monthly};w={Seconds(monthEndsAt - monthEndsAt.AddMonths(-1))}");
        }

        return policy.ToString();
    }

    /// <summary>Whole seconds, rounded up so a client waiting that long is never early; never negative.</summary>
    public static long Seconds(TimeSpan span) => Math.Max(0, (long)Math.Ceiling(span.TotalSeconds));

    /// <summary>Appends the separator before the field's next item (none before the first), then returns the builder.</summary>
    private static StringBuilder Separate(StringBuilder field) => field.Length > 0 ? field.Append(", ") : field;
}
