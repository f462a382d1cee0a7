using System.Diagnostics.Metrics;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// Owns the <c>OrleansHub</c> meter and every domain instrument. Labels carry enumerations and agency codes only,
/// never a citizen's ID, name or any other personal data.
/// </summary>
public sealed class HubInstruments
{
    public const string MeterName = "OrleansHub";

    private readonly Counter<long> _importLines;
    private readonly Histogram<int> _auditBatchSize;
    private readonly Histogram<double> _auditFlushDuration;
    private readonly Counter<long> _agencyRefusals;
    private readonly Counter<long> _rateLimitRefusals;

    public HubInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _importLines = meter.CreateCounter<long>("hub.registry.import.lines", unit: "{line}", description: "Bulk-import lines processed, by outcome.");
        _auditBatchSize = meter.CreateHistogram<int>("hub.audit.batch.size", unit: "{entry}",
            description: "Entries per audit group commit (one database transaction), by outcome.",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000] });
        _auditFlushDuration = meter.CreateHistogram<double>("hub.audit.flush.duration", unit: "ms",
            description: "Time to hash and write one audit batch, by outcome.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 100, 250, 1_000] });
        _agencyRefusals = meter.CreateCounter<long>("hub.agency.refusals", unit: "{request}",
            description: "Agency API requests refused before their endpoint ran (no valid key, unreadable body), by reason and agency (unknown when the key named none).");
        _rateLimitRefusals = meter.CreateCounter<long>("hub.ratelimit.refusals", unit: "{request}",
            description: "Agency API requests refused by a contracted limit, by agency and limit (rate, daily, monthly).");
    }

    /// <summary>Counts one import line: created, updated, unchanged or rejected.</summary>
    public void ImportLine(string outcome) => _importLines.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts one agency request refused before its endpoint ran; <paramref name="agencyCode"/> is a registered agency's code or null.</summary>
    public void AgencyRequestRefused(string reason, string? agencyCode) => _agencyRefusals.Add(1,
        new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("agency", agencyCode ?? "unknown"));

    /// <summary>Counts one request refused by the agency's <paramref name="limit"/> (rate, daily or monthly).</summary>
    public void RateLimitRefused(string agencyCode, string limit) => _rateLimitRefusals.Add(1,
        new KeyValuePair<string, object?>("agency", agencyCode), new KeyValuePair<string, object?>("limit", limit));

    /// <summary>Records one audit group commit: its size and how long hashing and writing it took.</summary>
    public void AuditFlushed(int entries, double milliseconds, bool succeeded)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "written" : "failed");
        _auditBatchSize.Record(entries, outcome);
        _auditFlushDuration.Record(milliseconds, outcome);
    }
}
