using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Host.Audit;

/// <summary>Tuning of the group-commit audit writer, bound from <c>Hub:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "Hub:Audit";

    /// <summary>Most entries one database transaction carries (an append larger than this still goes in one batch).</summary>
    [Range(1, 100_000)]
    public int MaxBatchEntries { get; set; } = 2_000;

    /// <summary>
    /// Writer loops, each with its own connection and chain. More than one lets a batch commit while the next is being
    /// written, but makes smaller batches and more transactions. On a 2-core machine shared with PostgreSQL one writer
    /// beat two, and two beat four, on throughput, PostgreSQL CPU per entry and the tail, closed and open loop
    /// (bench/results/lookup-2026-12-07-audit-round-trips.md); more may pay where PostgreSQL has cores of its own.
    /// </summary>
    [Range(1, 64)]
    public int Writers { get; set; } = 1;

    /// <summary>Appends that may wait for a batch before callers are slowed down (back-pressure, never dropped).</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>
    /// Audit keys by ID (<c>Hub:Audit:Keys:&lt;id&gt;</c>): secrets of at least 32 high-entropy characters, held outside
    /// the database. Keep retired keys here so the batches they signed still verify.
    /// </summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The key new batches are signed with; required on PostgreSQL outside Development.</summary>
    public string? KeyId { get; set; }
}
