using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;

namespace OrleansHub.Grains.Registry;

/// <summary>
/// The rows a change produced beside the grain's record: history entries, events, consent notices, cards to list for the
/// expiry sweep. The registry storage writes them in the same transaction as the state that carries them, and the grain
/// drops them once that write succeeded. They are never part of the stored state (no <c>[Id]</c>), so a state row holds
/// the current record and what the next write needs, and does not grow with the number of changes.
/// </summary>
public sealed class PendingRows
{
    /// <summary>History entries of the citizen, in version order.</summary>
    public List<ChangeEntry> History { get; } = [];

    /// <summary>Events of the citizen, in sequence order.</summary>
    public List<CitizenEvent> Events { get; } = [];

    /// <summary>
    /// Events of an outbox the previous release kept in the state: some may already be in the event log (they were relayed
    /// before the upgrade), so the storage adds only those that are not.
    /// </summary>
    public List<CitizenEvent> LegacyOutbox { get; } = [];

    /// <summary>Consents whose revocation the citizen's record has now told its agency of.</summary>
    public List<Guid> ConsentNotices { get; } = [];

    /// <summary>Cards with an expiry date to list for the expiry sweep.</summary>
    public List<CardSummary> CardExpiries { get; } = [];

    public bool IsEmpty => History.Count == 0 && Events.Count == 0 && LegacyOutbox.Count == 0 && ConsentNotices.Count == 0 && CardExpiries.Count == 0;

    public void Clear()
    {
        History.Clear();
        Events.Clear();
        LegacyOutbox.Clear();
        ConsentNotices.Clear();
        CardExpiries.Clear();
    }
}

/// <summary>Grain state that carries <see cref="PendingRows"/> for the registry storage to write with it.</summary>
public interface IStateWithRows
{
    PendingRows Pending { get; }
}
