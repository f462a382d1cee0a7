namespace OrleansHub.Grains.Agencies;

/// <summary>How each silo's agency directory stays fresh. Bound from <c>Hub:Agencies</c>.</summary>
public sealed class AgencyDirectoryOptions
{
    public const string Section = "Hub:Agencies";

    /// <summary>
    /// How often the directory asks the agency catalog what changed. Changes are pushed to every silo at once; this poll is
    /// the safety net for a lost notice, so it bounds how long a revoked key or a suspended agency can keep working on a
    /// silo that missed the push.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long "no such agency" is remembered, so garbage keys cannot make every request call a grain.</summary>
    public TimeSpan NegativeCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most "no such agency" answers remembered at once; beyond it they are not cached.</summary>
    public int MaxNegativeEntries { get; set; } = 10_000;
}
