namespace OrleansHub.Host.Quotas;

/// <summary>How each silo's rate limiter talks to the agencies' quota grains. Bound from <c>Hub:Quotas</c>.</summary>
public sealed class QuotaOptions
{
    public const string Section = "Hub:Quotas";

    /// <summary>
    /// How often each silo re-reads the quota of an active agency and hands back the units of a quiet one: a quota change
    /// made through one silo holds on every other within about this long.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);
}
