using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Tests.Telemetry;

/// <summary>The agency hot-path instruments: the labels they record, and that recording allocates nothing.</summary>
public sealed class HubInstrumentsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _recorded = [];
    private readonly HubInstruments _instruments;
    private bool _keep = true;

    public HubInstrumentsTests()
    {
        _instruments = new HubInstruments(_services.GetRequiredService<IMeterFactory>());
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HubInstruments.MeterName && instrument.Meter.Scope == _services.GetRequiredService<IMeterFactory>())
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Theory]
    [InlineData("lookup", "hub.lookups")]
    [InlineData("lookup-batch", "hub.lookups.batches")]
    [InlineData("verification", "hub.verifications")]
    public void AccessDecided_CountsOnTheOperationsCounter_WithAgencyOutcomeAndReason(string operation, string instrument)
    {
        _instruments.AccessDecided(operation, "GDT", refusedAs: null);
        _instruments.AccessDecided(operation, "VCB", refusedAs: "consent-required");
        _instruments.AccessDecided(operation, agencyCode: null, refusedAs: "unauthenticated");

        Assert.Equal(
        [
            (instrument, 1d, "GDT", "answered", "none"),
            (instrument, 1d, "VCB", "refused", "consent-required"),
            (instrument, 1d, "unknown", "refused", "unauthenticated"),
        ], _recorded.Select(r => (r.Instrument, r.Value, (string)r.Tags["agency"]!, (string)r.Tags["outcome"]!, (string)r.Tags["reason"]!)));
    }

    [Fact]
    public void BatchItemsDecided_AddsTheCitizenCount()
    {
        _instruments.BatchItemsDecided("VSS", "field-not-in-agreement", count: 7);

        var item = Assert.Single(_recorded);
        Assert.Equal(("hub.lookups.batch.items", 7d, "refused"), (item.Instrument, item.Value, (string)item.Tags["outcome"]!));
    }

    [Fact]
    public void RequestTimed_RecordsMillisecondsByOperationAndAgency()
    {
        var started = Stopwatch.GetTimestamp() - Stopwatch.Frequency / 100;   // 10 ms ago

        _instruments.RequestTimed("verification", "GDT", started);

        var timed = Assert.Single(_recorded);
        Assert.Equal(("hub.request.duration", "verification", "GDT"), (timed.Instrument, (string)timed.Tags["operation"]!, (string)timed.Tags["agency"]!));
        Assert.InRange(timed.Value, 10, 10_000);
    }

    [Fact]
    public void AccessDecided_UnknownOperation_IsAProgrammingError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _instruments.AccessDecided("export", "GDT", null));
    }

    [Fact]
    public void HotPathRecording_WithAListener_AllocatesNothing()
    {
        _keep = false;
        var started = Stopwatch.GetTimestamp();
        RecordLikeOneRequest(started);   // warm up: JIT, instrument state

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            RecordLikeOneRequest(started);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private void RecordLikeOneRequest(long started)
    {
        _instruments.AccessDecided("lookup", "GDT", refusedAs: null);
        _instruments.BatchItemsDecided("GDT", "citizen-unknown");
        _instruments.RequestTimed("lookup", "GDT", started);
    }

    private void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_keep)
        {
            _recorded.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        }
    }
}
