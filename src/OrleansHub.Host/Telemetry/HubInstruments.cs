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

    public HubInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _importLines = meter.CreateCounter<long>("hub.registry.import.lines", unit: "{line}", description: "Bulk-import lines processed, by outcome.");
    }

    /// <summary>Counts one import line: created, updated, unchanged or rejected.</summary>
    public void ImportLine(string outcome) => _importLines.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
