using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;

namespace OrleansHub.Grains.Citizens;

/// <summary>What a citizen grain persists. No fields means the registry has no record for this ID.</summary>
[GenerateSerializer, Alias("hub.CitizenState")]
public sealed class CitizenState
{
    [Id(0)] public Dictionary<string, FieldValue> Fields { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public long Version { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Every accepted change, oldest first.</summary>
    [Id(4)] public List<ChangeEntry> History { get; set; } = [];

    /// <summary>The sequence number of the last event this record produced (0: none yet).</summary>
    [Id(5)] public long LastEventSequence { get; set; }

    /// <summary>
    /// Events saved with the change that produced them and not yet known to be in the event log, oldest first: the outbox
    /// that makes a change and its events one atomic write.
    /// </summary>
    [Id(6)] public List<CitizenEvent> Outbox { get; set; } = [];

    /// <summary>The consents whose revocation this record has told its agency of, so a repeated notice adds no event.</summary>
    [Id(7)] public HashSet<Guid> RevokedConsentsNotified { get; set; } = [];

    public bool Exists => Fields.Count > 0;

    public string? Text(string field) => Fields.TryGetValue(field, out var value) ? value.Value.Text : null;
}
