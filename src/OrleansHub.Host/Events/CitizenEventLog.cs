using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Events;

namespace OrleansHub.Host.Events;

/// <summary>One event as the log holds it: its place in the log (the cursor to read on from) and the event.</summary>
public sealed record LoggedEvent(EventCursor Cursor, CitizenEvent Event);

/// <summary>
/// The hub's durable log of citizen events, in the order they were appended; per citizen that is sequence order, because
/// a citizen grain relays its events oldest first.
/// </summary>
public interface ICitizenEventLog : ICitizenEventSink
{
    /// <summary>
    /// Up to <paramref name="limit"/> events after <paramref name="after"/>, in log order; of one type if given. Never an
    /// event that could later be followed by one appended behind it: reading on from the last cursor returned misses nothing.
    /// </summary>
    Task<IReadOnlyList<LoggedEvent>> ReadAsync(EventCursor after, int limit, string? type, CancellationToken cancellationToken);
}

/// <summary>The event log of embedded mode: in memory, lost with the process like everything else there.</summary>
public sealed class InMemoryCitizenEventLog : ICitizenEventLog
{
    private readonly Lock _lock = new();
    private readonly List<LoggedEvent> _events = [];
    private readonly HashSet<Guid> _ids = [];

    public Task AppendAsync(IReadOnlyList<CitizenEvent> events, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var e in events)
            {
                if (_ids.Add(e.Id))
                {
                    // One lock orders appends, so the position alone is a safe cursor here.
                    _events.Add(new LoggedEvent(new EventCursor(0, _events.Count + 1), e));
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LoggedEvent>> ReadAsync(EventCursor after, int limit, string? type, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Positions are 1..Count with no gaps, so the first candidate is at index after.Position.
            var start = (int)Math.Clamp(after.Position, 0, _events.Count);
            return Task.FromResult<IReadOnlyList<LoggedEvent>>(
                [.. _events.Skip(start).Where(e => type is null || e.Event.Type == type).Take(limit)]);
        }
    }
}
