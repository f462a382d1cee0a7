using OrleansHub.Abstractions.Quotas;

namespace OrleansHub.Host.Quotas;

/// <summary>
/// An agency's contracted limits. Each is optional (omitted: no such limit); rate and burst go together. A request costs one
/// unit per citizen it names (a batch of N IDs costs N). Days and months are counted in Vietnam time (UTC+07:00).
/// </summary>
public sealed record QuotaRequest
{
    /// <summary>Sustained requests per second, 1 to 1,000,000.</summary>
    public long? RatePerSecond { get; init; }

    /// <summary>Requests admitted at once above the sustained rate, 100 (the largest batch) to 10,000,000.</summary>
    public long? Burst { get; init; }

    /// <summary>Requests per calendar day.</summary>
    public long? DailyRequests { get; init; }

    /// <summary>Requests per calendar month; not smaller than the daily quota.</summary>
    public long? MonthlyRequests { get; init; }

    public AgencyQuota ToQuota() => new(RatePerSecond, Burst, DailyRequests, MonthlyRequests);
}

/// <summary>
/// An agency's quota in force and its usage so far. <c>source</c> is <c>contract</c> (set for this agency) or <c>default</c>
/// (none set, or it was deleted: the configured <c>Hub:Quotas:Default</c> applies). <c>limited</c> false only when no
/// quota is set and the default is configured away. The version is the ETag.
/// </summary>
public sealed record QuotaResponse(
    string Agency, bool Limited, string Source, long? RatePerSecond, long? Burst, long? DailyRequests, long? MonthlyRequests, long Version,
    DateTimeOffset? UpdatedAt, QuotaUsageResponse Usage)
{
    public static QuotaResponse From(string agency, QuotaSettings settings, QuotaUsage usage) => new(
        agency, settings.Quota is not null, settings.IsDefault || settings.Quota is null ? "default" : "contract", settings.Quota?.RatePerSecond,
        settings.Quota?.Burst, settings.Quota?.DailyRequests, settings.Quota?.MonthlyRequests,
        settings.Version, settings.Version == 0 ? null : settings.UpdatedAt, new QuotaUsageResponse(usage.Day, usage.DailyUsed, usage.MonthlyUsed));
}

/// <summary>Units counted today and this month (Vietnam time), including units silos hold and have not yet spent (at most a few seconds' worth).</summary>
public sealed record QuotaUsageResponse(DateOnly Day, long DailyUsed, long MonthlyUsed);

/// <summary>One change to a quota: the version after it, when, by whom, and the quota set (null: deleted, unlimited).</summary>
public sealed record QuotaChangeResponse(long Version, DateTimeOffset At, string Actor, QuotaRequest? Quota)
{
    public static QuotaChangeResponse From(QuotaChange change) => new(change.Version, change.At, change.Actor, change.Quota is { } q
        ? new QuotaRequest { RatePerSecond = q.RatePerSecond, Burst = q.Burst, DailyRequests = q.DailyRequests, MonthlyRequests = q.MonthlyRequests }
        : null);
}

/// <summary>Every change to an agency's quota, newest first.</summary>
public sealed record QuotaHistoryResponse(IReadOnlyList<QuotaChangeResponse> Changes);
