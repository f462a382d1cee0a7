using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Host.AgencyApi;

/// <summary><c>Idempotency-Key</c> settings, bound from <c>Hub:Fees</c> (where they were introduced, with billing).</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Hub:Fees";

    /// <summary>How long an <c>Idempotency-Key</c> is remembered: a retry within it returns the first answer.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a request holding a key may take before its claim lapses (its silo may have died); a retry after that
    /// is served afresh. Longer than any request takes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan IdempotencyLease { get; set; } = TimeSpan.FromSeconds(60);
}
