using OrleansHub.Abstractions.Events;

namespace OrleansHub.Grains.Events;

/// <summary>
/// Where citizen grains relay the events in their outbox: the hub's durable event log. Appending an event that is already
/// there (same ID) changes nothing, so a grain may relay again after a crash.
/// </summary>
public interface ICitizenEventSink
{
    /// <summary>Appends <paramref name="events"/> (one citizen's, in sequence order) atomically, after everything appended before.</summary>
    Task AppendAsync(IReadOnlyList<CitizenEvent> events, CancellationToken cancellationToken);
}
