using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Host.AgencyApi;

/// <summary>Limits of the agency API's front door, bound from <c>Hub:AgencyApi</c>.</summary>
public sealed class AgencyApiOptions
{
    public const string Section = "Hub:AgencyApi";

    /// <summary>
    /// Failed authentications (no key, an unknown, wrong or revoked key) one source address may make in a burst before its
    /// further failures are answered <c>429 rate-limited</c> instead of <c>401</c>. A valid key is never refused for it.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailedAuthenticationBurst { get; set; } = 100;

    /// <summary>
    /// Whether loopback callers (the machine's own tools, tests, a sidecar proxy) have a budget too; off by default, so a
    /// local tool that floods the hub with bad keys is only counted.
    /// </summary>
    public bool LimitLoopback { get; set; }

    /// <summary>How fast an address earns failed authentications back, per minute.</summary>
    [Range(1, 1_000_000)]
    public int FailedAuthenticationsPerMinute { get; set; } = 60;

    /// <summary>Most source addresses tracked at once; beyond it new addresses share one budget.</summary>
    [Range(1, 10_000_000)]
    public int MaxTrackedAddresses { get; set; } = 100_000;

    /// <summary>How often each silo adds its counts of unauthenticated refusals to the stored per-minute tallies.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RefusalFlushInterval { get; set; } = TimeSpan.FromSeconds(5);
}
