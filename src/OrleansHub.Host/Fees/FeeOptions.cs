using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Host.Fees;

/// <summary>Fee accounting settings, bound from <c>Hub:Fees</c>.</summary>
public sealed class FeeOptions
{
    public const string Section = "Hub:Fees";

    /// <summary>
    /// The collector's share of every đồng charged, in percent (the draft split: 30 to the collecting police department,
    /// 70 remitted to the state budget). The collector's part of an amount is rounded down; the state budget gets the rest.
    /// </summary>
    [Range(0, 100)]
    public int CollectorSharePercent { get; set; } = 30;

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
