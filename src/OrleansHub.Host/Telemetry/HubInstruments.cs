using System.Diagnostics;
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
    private readonly Histogram<int> _registryBatchSize;
    private readonly Histogram<double> _registryFlushDuration;
    private readonly Histogram<int> _auditBatchSize;
    private readonly Histogram<double> _auditFlushDuration;
    private readonly Counter<long> _agencyRefusals;
    private readonly Counter<long> _lookups;
    private readonly Counter<long> _batchLookups;
    private readonly Counter<long> _batchItems;
    private readonly Counter<long> _verifications;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _eventsDispatched;
    private readonly Counter<long> _eventsDelivered;
    private readonly Histogram<double> _deliveryLag;
    private readonly Counter<long> _feesCharged;
    private readonly Counter<long> _rateLimitRefusals;
    private readonly Counter<long> _webhookAttempts;
    private volatile IReadOnlyDictionary<string, long> _feedDepths = new Dictionary<string, long>();

    public HubInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _importLines = meter.CreateCounter<long>("hub.registry.import.lines", unit: "{line}", description: "Bulk-import lines processed, by outcome.");
        _registryBatchSize = meter.CreateHistogram<int>("hub.registry.batch.size", unit: "{write}",
            description: "Grain state writes per registry group commit (one database transaction), by outcome.",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000] });
        _registryFlushDuration = meter.CreateHistogram<double>("hub.registry.flush.duration", unit: "ms",
            description: "Time to write one registry batch (states, history, events, expiry listings) and commit it, by outcome.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 100, 250, 1_000] });
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
        _lookups = meter.CreateCounter<long>("hub.lookups", unit: "{request}",
            description: "Single lookups decided by an endpoint, by agency, outcome (answered, refused) and reason (none, or the problem type's slug).");
        _batchLookups = meter.CreateCounter<long>("hub.lookups.batches", unit: "{request}",
            description: "Batch lookups decided by an endpoint, by agency, outcome (answered, refused) and reason; a batch is answered when its items were decided one by one.");
        _batchItems = meter.CreateCounter<long>("hub.lookups.batch.items", unit: "{citizen}",
            description: "Citizens of batch lookups, each decided on its own, by agency, outcome (answered, refused) and reason.");
        _verifications = meter.CreateCounter<long>("hub.verifications", unit: "{request}",
            description: "Verifications decided by an endpoint, by agency, outcome (answered, refused) and reason.");
        _requestDuration = meter.CreateHistogram<double>("hub.request.duration", unit: "ms",
            description: "Time an agency endpoint took from reading the request to the audited answer, by operation and agency.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 75, 100, 250, 500, 1_000, 2_500, 5_000] });
        _eventsDispatched = meter.CreateCounter<long>("hub.events.dispatched", unit: "{event}",
            description: "Citizen events fanned out from the event log to the agency feeds (each exactly once cluster-wide), by event type.");
        _eventsDelivered = meter.CreateCounter<long>("hub.events.delivered", unit: "{event}",
            description: "Events handed to an agency, by agency and channel (pull: the feed and its long-poll; stream: server-sent events; webhook: a delivery its endpoint acknowledged).");
        _deliveryLag = meter.CreateHistogram<double>("hub.events.delivery.lag", unit: "ms",
            description: "From the registry accepting a change to its event being handed to an agency, by channel.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 3_600_000] });
        _feesCharged = meter.CreateCounter<long>("hub.fees.charged", unit: "{dong}",
            description: "Fees charged for answers made durable in the audit log, in đồng, by agency and product code (exempt answers add nothing).");
        _rateLimitRefusals = meter.CreateCounter<long>("hub.ratelimit.refusals", unit: "{request}",
            description: "Agency API requests refused by a contracted limit, by agency and limit (rate, daily, monthly).");
        _webhookAttempts = meter.CreateCounter<long>("hub.webhooks.attempts", unit: "{request}",
            description: "Webhook delivery attempts, by agency and outcome (delivered, failed: every failure is retried or ends in the failing state).");
        meter.CreateObservableGauge("hub.feed.depth", () => _feedDepths.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("agency", d.Key))),
            unit: "{event}",
            description: "Events in an agency's feed not yet delivered to its webhook (capped at 100,000), by agency. Every silo reports the same figure: aggregate with max.");
    }

    /// <summary>Counts one webhook delivery attempt.</summary>
    public void WebhookAttempt(string agencyCode, bool delivered) =>
        _webhookAttempts.Add(1, new KeyValuePair<string, object?>("agency", agencyCode), new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));

    /// <summary>Replaces the webhook backlog per agency that <c>hub.feed.depth</c> reports.</summary>
    public void FeedDepths(IReadOnlyDictionary<string, long> depths) => _feedDepths = depths;

    /// <summary>Counts events the dispatcher fanned out, one call per event type.</summary>
    public void EventsDispatched(string eventType, int count) =>
        _eventsDispatched.Add(count, new KeyValuePair<string, object?>("type", eventType));

    /// <summary>Counts one event handed to an agency and records its lag since the change was accepted at <paramref name="acceptedAt"/>.</summary>
    public void EventDelivered(string agencyCode, string channel, DateTimeOffset acceptedAt, DateTimeOffset now)
    {
        var channelTag = new KeyValuePair<string, object?>("channel", channel);
        _eventsDelivered.Add(1, new KeyValuePair<string, object?>("agency", agencyCode), channelTag);
        _deliveryLag.Record(Math.Max(0, (now - acceptedAt).TotalMilliseconds), channelTag);
    }

    /// <summary>Counts one import line: created, updated, unchanged or rejected.</summary>
    public void ImportLine(string outcome) => _importLines.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts one agency request refused before its endpoint ran; <paramref name="agencyCode"/> is a registered agency's code or null.</summary>
    public void AgencyRequestRefused(string reason, string? agencyCode) => _agencyRefusals.Add(1,
        new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("agency", agencyCode ?? "unknown"));

    /// <summary>Counts the đồng charged for one answer; <paramref name="product"/> is a product code (SPDC01, SPDC04).</summary>
    public void FeeCharged(string agencyCode, string product, long vnd) => _feesCharged.Add(vnd,
        new KeyValuePair<string, object?>("agency", agencyCode), new KeyValuePair<string, object?>("product", product));

    /// <summary>Counts one request refused by the agency's <paramref name="limit"/> (rate, daily or monthly).</summary>
    public void RateLimitRefused(string agencyCode, string limit) => _rateLimitRefusals.Add(1,
        new KeyValuePair<string, object?>("agency", agencyCode), new KeyValuePair<string, object?>("limit", limit));

    /// <summary>Records one registry group commit: how many grain writes it carried and how long it took.</summary>
    public void RegistryFlushed(int writes, double milliseconds, bool succeeded)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "written" : "failed");
        _registryBatchSize.Record(writes, outcome);
        _registryFlushDuration.Record(milliseconds, outcome);
    }

    /// <summary>Records one audit group commit: its size and how long hashing and writing it took.</summary>
    public void AuditFlushed(int entries, double milliseconds, bool succeeded)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "written" : "failed");
        _auditBatchSize.Record(entries, outcome);
        _auditFlushDuration.Record(milliseconds, outcome);
    }

    /// <summary>
    /// Counts one agency request an endpoint decided. <paramref name="operation"/> is one of the audited operations
    /// (lookup, lookup-batch, verification); <paramref name="refusedAs"/> is the problem type's slug, null when answered.
    /// The label values are constants and a registered agency's code, so a call allocates nothing.
    /// </summary>
    public void AccessDecided(string operation, string? agencyCode, string? refusedAs)
    {
        var tags = DecisionTags(agencyCode, refusedAs);
        CounterOf(operation).Add(1, in tags);
    }

    /// <summary>Counts <paramref name="count"/> citizens of one batch decided alike (answered, or refused for the same reason).</summary>
    public void BatchItemsDecided(string? agencyCode, string? refusedAs, int count = 1)
    {
        var tags = DecisionTags(agencyCode, refusedAs);
        _batchItems.Add(count, in tags);
    }

    /// <summary>Records how long one agency endpoint ran since <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp()"/>).</summary>
    public void RequestTimed(string operation, string? agencyCode, long startedTimestamp)
    {
        var tags = new TagList { { "operation", operation }, { "agency", agencyCode ?? UnknownAgency } };
        _requestDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, in tags);
    }

    private const string UnknownAgency = "unknown";

    private static TagList DecisionTags(string? agencyCode, string? refusedAs) => new()
    {
        { "agency", agencyCode ?? UnknownAgency },
        { "outcome", refusedAs is null ? "answered" : "refused" },
        { "reason", refusedAs ?? "none" },
    };

    private Counter<long> CounterOf(string operation) => operation switch
    {
        "lookup" => _lookups,
        "lookup-batch" => _batchLookups,
        "verification" => _verifications,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not an audited agency operation."),
    };
}
