using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Host.Registry;

/// <summary>The registry storage on PostgreSQL. Bound from <c>Hub:RegistryStorage</c>.</summary>
public sealed class RegistryStorageOptions
{
    public const string Section = "Hub:RegistryStorage";

    /// <summary>
    /// Writer loops, each committing one batch at a time: while one batch commits, the next fills. One gives the largest
    /// batches (fewest transactions); more help only when a commit's latency, not the machine's CPU, is the limit (a
    /// database on remote disks).
    /// </summary>
    [Range(1, 16)]
    public int Writers { get; set; } = 1;

    /// <summary>Most grain writes in one transaction. A batch never waits to fill: it takes what is queued when a writer is free.</summary>
    [Range(1, 10_000)]
    public int MaxBatch { get; set; } = 1_000;

    /// <summary>Most grain reads in one query (activations read their state in batches too).</summary>
    [Range(1, 10_000)]
    public int MaxReadBatch { get; set; } = 1_000;

    /// <summary>How long events stay in the event log (whole months are dropped once older and fanned out); 31 days at least.</summary>
    [Range(typeof(TimeSpan), "31.00:00:00", "36500.00:00:00")]
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How often each silo makes the coming months' event-log partitions and drops those past the retention.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(6);
}
