using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Registry;

namespace OrleansHub.Grains.Citizens;

/// <summary>
/// What a citizen grain persists: the current record and what the next write needs (the version and the last event
/// sequence), nothing that grows with the number of changes. No fields means the registry has no record for this ID.
/// History, events and consent notices go to their own tables with the write that produced them (<see cref="Pending"/>).
/// </summary>
[GenerateSerializer, Alias("hub.CitizenState")]
public sealed class CitizenState : IStateWithRows
{
    [Id(0)] public Dictionary<string, FieldValue> Fields { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public long Version { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// Read from rows the previous release wrote (it kept every change here); moved to the history table when the grain
    /// activates, and empty in every state this release writes.
    /// </summary>
    [Id(4)] public List<ChangeEntry> LegacyHistory { get; set; } = [];

    /// <summary>The sequence number of the last event this record produced (0: none yet).</summary>
    [Id(5)] public long LastEventSequence { get; set; }

    /// <summary>
    /// Read from rows the previous release wrote (its outbox of events not known to be in the log); moved to the event log
    /// when the grain activates, and empty in every state this release writes.
    /// </summary>
    [Id(6)] public List<CitizenEvent> LegacyOutbox { get; set; } = [];

    /// <summary>
    /// Read from rows the previous release wrote (the consents whose revocation was told); moved to their own table when the
    /// grain activates, and empty in every state this release writes.
    /// </summary>
    [Id(7)] public HashSet<Guid> LegacyConsentNotices { get; set; } = [];

    /// <summary>Rows the next write puts in their own tables with this state; never stored in it.</summary>
    [field: NonSerialized]
    public PendingRows Pending { get; } = new();

    public bool Exists => Fields.Count > 0;

    /// <summary>Whether this state was written by the previous release and still holds what now lives in other tables.</summary>
    public bool HoldsLegacyRows => LegacyHistory.Count > 0 || LegacyOutbox.Count > 0 || LegacyConsentNotices.Count > 0;

    public string? Text(string field) => Fields.TryGetValue(field, out var value) ? value.Value.Text : null;
}
