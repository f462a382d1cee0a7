using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Events;

namespace OrleansHub.Grains.Tests.Events;

/// <summary>The event log of the grain tests: keeps what it was given, ignores repeats like the real one, and can be told to fail.</summary>
public sealed class RecordingEventSink : ICitizenEventSink
{
    private readonly Lock _lock = new();
    private readonly List<CitizenEvent> _events = [];
    private readonly HashSet<string> _failingCitizens = [];

    public Task AppendAsync(IReadOnlyList<CitizenEvent> events, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (events.Any(e => _failingCitizens.Contains(e.CitizenId)))
            {
                throw new InvalidOperationException("The test event log is refusing this citizen's events.");
            }

            _events.AddRange(events.Where(e => _events.All(known => known.Id != e.Id)));
        }

        return Task.CompletedTask;
    }

    /// <summary>Makes appends of <paramref name="citizenId"/>'s events fail (true) or succeed again (false).</summary>
    public void Refuse(string citizenId, bool refuse)
    {
        lock (_lock)
        {
            if (refuse)
            {
                _failingCitizens.Add(citizenId);
            }
            else
            {
                _failingCitizens.Remove(citizenId);
            }
        }
    }

    public IReadOnlyList<CitizenEvent> Of(string citizenId)
    {
        lock (_lock)
        {
            return [.. _events.Where(e => e.CitizenId == citizenId)];
        }
    }
}
