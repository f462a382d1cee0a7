using System.Collections.Concurrent;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Postgres;
using Xunit.Abstractions;
using OrleansHub.Host.Tests.Contract;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// The authorization parties on a two-silo PostgreSQL cluster of hub processes run as in production (JSON console logs,
/// every log category turned up to Trace, traces exported over OTLP to <see cref="OtlpReceiver"/>), reached through both
/// silos in turn; the privacy scan's traffic is then sent. Every line either silo printed is kept (no tail), and both
/// silos are stopped gracefully before the scan, so their last log lines and spans are flushed.
/// </summary>
public sealed class PostgresPrivacyScanParties() : PostgresParties("privacy-scan")
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<HubProcess> _silos = [];
    private int _next;
    private bool _started;

    /// <summary>Every line both silos printed, stdout and stderr.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public OtlpReceiver? Traces { get; private set; }

    /// <summary>Each silo's <c>/metrics</c> page, read after the traffic.</summary>
    public IReadOnlyList<string> Metrics { get; private set; } = [];

    public int RequestsSent { get; private set; }

    public IReadOnlyList<(string Kind, string Value)> PersonalValuesSent { get; private set; } = [];

    /// <summary>Alternates between the silos, so requests, grain calls and their failures happen on both.</summary>
    public override HttpClient CreateClient() =>
        ContractCheckingHandler.CreateClient(_silos[Interlocked.Increment(ref _next) % _silos.Count].Client.BaseAddress!, TimeSpan.FromSeconds(60));

    /// <summary>Starts both silos on a new database of <paramref name="postgres"/>, sends the traffic and stops them, once.</summary>
    public async Task StartAsync(PostgresServer postgres)
    {
        await Starting.WaitAsync();
        try
        {
            if (_started)
            {
                return;
            }

            _started = true;
            Traces = await OtlpReceiver.StartAsync();
            var database = await postgres.CreateDatabaseAsync();
            var clusterId = $"privacy-{Guid.NewGuid():N}";
            var settings = HubSettings();
            settings["Hub__Telemetry__OtlpEndpoint"] = Traces.TracesUrl;
            settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            settings["OTEL_BSP_SCHEDULE_DELAY"] = "500";
            foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Orleans", "Polly", "Microsoft.AspNetCore.DataProtection", "Npgsql", "OrleansHub" })
            {
                settings[$"Logging__LogLevel__{category}"] = "Trace";
            }

            // Started together: the silos apply the migrations under an advisory lock.
            var starts = new[] { HubProcess.StartAsync(database, clusterId, settings, _lines.Enqueue), HubProcess.StartAsync(database, clusterId, settings, _lines.Enqueue) };
            try
            {
                await Task.WhenAll(starts);
            }
            finally
            {
                _silos.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            }

            await RegisterConsentingBankAsync();
            await CreatePartiesAsync();
            (RequestsSent, PersonalValuesSent) = await PrivacyScanTraffic.SendAsync(this);
            Metrics = await Task.WhenAll(_silos.Select(s => s.Client.GetStringAsync("/metrics")));
            foreach (var silo in _silos)
            {
                await silo.StopGracefullyAsync(TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            Starting.Release();
        }
    }

    public override async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (Traces is not null)
        {
            await Traces.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

/// <summary>
/// Secrets and personal data stay out of everything a production-mode PostgreSQL cluster emits: every console line of
/// both silos (every level, every category, with scopes and exception texts), the spans they export with their events
/// (<c>exception.message</c> and stack), and their metrics pages; including the IDs of citizens the registry does not hold.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class PrivacyScanPostgresTests(PostgresServer postgres, PostgresPrivacyScanParties hub, ITestOutputHelper output)
    : IClassFixture<PostgresPrivacyScanParties>, IAsyncLifetime
{
    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void LogsSpansAndMetrics_OfTwoPostgresSilosAfterEveryOperationByEveryParty_HoldNoPersonalValueOrSecret()
    {
        var lines = hub.Lines.ToArray();
        var traces = hub.Traces!;
        // The scan is only worth something if the capture saw the run: the hub's own entries, request scopes, spans of
        // requests, grain calls and database commands, and both metrics pages.
        Assert.Contains(lines, l => l.Contains("\"Category\":\"OrleansHub.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"RequestId\":", StringComparison.Ordinal) && l.Contains("\"TraceId\":", StringComparison.Ordinal));
        Assert.True(traces.Count("http.route") > 0 && traces.Count("/v1/lookups") > 0, "No HTTP request spans were exported.");
        Assert.True(traces.Count("ICitizenGrain") > 0, "No grain-call spans were exported.");
        Assert.True(traces.Count("db.system") + traces.Count("db.query.text") > 0, "No database spans were exported.");
        Assert.All(hub.Metrics, m => Assert.Contains("hub_", m, StringComparison.Ordinal));

        var sought = PrivacyScan.Sought(hub, hub.PersonalValuesSent);
        var found = PrivacyScan.Find(sought, "console", lines)
            .Concat(sought.SelectMany(s => traces.Find(s.Value).Select(around => $"exported span has a {s.Kind}: {around}")))
            .Concat(PrivacyScan.Find(sought, "/metrics", hub.Metrics))
            .ToArray();

        output.WriteLine($"Scanned {lines.Length} console lines of two silos, {traces.Exports} OTLP exports ({traces.Bytes:N0} bytes, "
            + $"{traces.Count("exception.message")} exception messages) and two /metrics pages after {hub.RequestsSent} requests for {sought.Length} values "
            + $"({hub.Citizens.Count} citizens' IDs and names, {hub.PersonalValuesSent.Count} other personal values, {hub.Secrets.Count} secrets): {found.Length} found.");
        Assert.True(found.Length == 0, $"{found.Length} leaks:\n{string.Join("\n", found)}");
    }
}
