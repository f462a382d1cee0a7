using System.Collections.Concurrent;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>
/// Wakes this silo's long-polls and streams when an agency's feed grows. In PostgreSQL mode the signals come from the
/// dispatcher on whichever silo holds the dispatch lock, through LISTEN/NOTIFY; in embedded mode straight from the dispatcher.
/// </summary>
public sealed class FeedSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waits = new(StringComparer.Ordinal);

    /// <summary>
    /// A task that completes at the agency's next signal. Take it before reading the feed, then await it only if the read
    /// found nothing, so a signal between the read and the wait is not missed.
    /// </summary>
    public Task NextAsync(string agencyCode) =>
        _waits.GetOrAdd(agencyCode, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Signal(string agencyCode)
    {
        if (_waits.TryRemove(agencyCode, out var waiting))
        {
            waiting.TrySetResult();
        }
    }

    /// <summary>Wakes every waiter, e.g. after the notification connection was lost and signals may have been missed.</summary>
    public void SignalAll()
    {
        foreach (var agency in _waits.Keys)
        {
            Signal(agency);
        }
    }
}
