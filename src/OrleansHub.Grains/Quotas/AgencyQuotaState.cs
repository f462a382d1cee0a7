using OrleansHub.Abstractions.Quotas;

namespace OrleansHub.Grains.Quotas;

/// <summary>What an agency's quota grain persists: the quota, its version and history, and the day's and month's usage.</summary>
[GenerateSerializer, Alias("hub.AgencyQuotaState")]
public sealed class AgencyQuotaState
{
    /// <summary>Null: the agency is unlimited.</summary>
    [Id(0)] public AgencyQuota? Quota { get; set; }

    [Id(1)] public long Version { get; set; }

    [Id(2)] public DateTimeOffset UpdatedAt { get; set; }

    [Id(3)] public List<QuotaChange> History { get; set; } = [];

    /// <summary>The Vietnamese calendar day <see cref="DailyUsed"/> counts.</summary>
    [Id(4)] public DateOnly Day { get; set; }

    [Id(5)] public long DailyUsed { get; set; }

    /// <summary>Units used in the month of <see cref="Day"/>.</summary>
    [Id(6)] public long MonthlyUsed { get; set; }
}
