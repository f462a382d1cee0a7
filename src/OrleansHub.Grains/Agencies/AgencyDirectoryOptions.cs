namespace OrleansHub.Grains.Agencies;

/// <summary>How each silo's agency directory stays fresh. Bound from <c>Hub:Agencies</c>.</summary>
public sealed class AgencyDirectoryOptions
{
    public const string Section = "Hub:Agencies";

    /// <summary>
    /// How often the directory asks the agency catalog what changed: the longest a revoked key or a suspended agency
    /// keeps working on a silo other than the one the operator changed it through.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long "no such agency" is remembered, so garbage keys cannot make every request call a grain.</summary>
    public TimeSpan NegativeCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most "no such agency" answers remembered at once; beyond it they are not cached.</summary>
    public int MaxNegativeEntries { get; set; } = 10_000;
}
