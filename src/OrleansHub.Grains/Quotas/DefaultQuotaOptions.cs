using OrleansHub.Abstractions.Quotas;

namespace OrleansHub.Grains.Quotas;

/// <summary>
/// The quota of every agency the operator gave none (or whose quota was deleted), bound from <c>Hub:Quotas:Default</c>: no
/// agency is unlimited by omission. Each limit follows the rules of a contracted quota (<see cref="QuotaRules"/>); leaving
/// all four empty makes agencies without a quota unlimited again, a deliberate choice.
/// </summary>
public sealed class DefaultQuotaOptions
{
    public const string Section = "Hub:Quotas:Default";

    public long? RatePerSecond { get; set; } = 1_000;

    public long? Burst { get; set; } = 2_000;

    public long? DailyRequests { get; set; } = 10_000_000;

    public long? MonthlyRequests { get; set; }

    /// <summary>The default as a quota; null when every limit is left empty.</summary>
    public AgencyQuota? Quota =>
        RatePerSecond is null && Burst is null && DailyRequests is null && MonthlyRequests is null
            ? null
            : new AgencyQuota(RatePerSecond, Burst, DailyRequests, MonthlyRequests);
}
