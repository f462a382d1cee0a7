using OrleansHub.Abstractions.Events;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>One event in an agency's feed: its per-agency cursor, the purpose of the subscription that brought it, the event.</summary>
public sealed record FeedItem(long Position, string Purpose, CitizenEvent Event);

/// <summary>
/// A page of an agency's feed. <see cref="OldestAvailable"/> is set instead when the asked-for cursor is older than what
/// retention kept: the agency must resume from there.
/// </summary>
public sealed record FeedPage(IReadOnlyList<FeedItem> Items, long? OldestAvailable)
{
    public bool Expired => OldestAvailable is not null;
}

/// <summary>What one dispatch did: the checkpoint it left, the events it fanned out, and the agencies whose feeds grew.</summary>
public sealed record DispatchResult(EventCursor Checkpoint, IReadOnlyList<LoggedEvent> Dispatched, IReadOnlyCollection<string> GrownFeeds);

/// <summary>Per-agency feeds: filled by the dispatcher from the event log, read by agencies with a cursor.</summary>
public interface IAgencyFeedStore
{
    /// <summary>
    /// Reads up to <paramref name="limit"/> events of the log after the checkpoint, fans them out to the feeds of the agencies
    /// following them and moves the checkpoint past them, atomically and one dispatch at a time across the cluster. Null
    /// when another silo's dispatch holds the turn.
    /// </summary>
    Task<DispatchResult?> DispatchNextAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of the agency's feed items after <paramref name="after"/>, oldest first.</summary>
    Task<FeedPage> ReadAsync(string agencyCode, long after, int limit, CancellationToken cancellationToken);

    /// <summary>The newest position in any agency's feed (or the retention floor): reading after it starts at the next event.</summary>
    Task<long> LatestPositionAsync(CancellationToken cancellationToken);

    /// <summary>Deletes feed items fanned out before <paramref name="before"/>; returns how many.</summary>
    Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>The feeds of embedded mode, in memory.</summary>
public sealed class InMemoryAgencyFeedStore(InMemorySubscriptionStore subscriptions, ICitizenEventLog log, TimeProvider time) : IAgencyFeedStore
{
    private readonly Lock _lock = new();
    private readonly List<(FeedItem Item, string Agency, DateTimeOffset FedAt)> _items = [];
    private EventCursor _checkpoint = EventCursor.Start;
    private long _lastPosition;
    private long _prunedThrough;

    public async Task<DispatchResult?> DispatchNextAsync(int limit, CancellationToken cancellationToken)
    {
        EventCursor after;
        lock (_lock)
        {
            after = _checkpoint;
        }

        var batch = await log.ReadAsync(after, limit, type: null, cancellationToken);
        var grown = new HashSet<string>(StringComparer.Ordinal);
        lock (_lock)
        {
            var fresh = batch.Where(b => b.Cursor.Position > _checkpoint.Position).ToList();
            foreach (var logged in fresh)
            {
                foreach (var (agency, purpose) in subscriptions.RecipientsOf(logged.Event))
                {
                    _items.Add((new FeedItem(++_lastPosition, purpose, logged.Event), agency, time.GetUtcNow()));
                    grown.Add(agency);
                }

                _checkpoint = logged.Cursor;
            }

            return new DispatchResult(_checkpoint, fresh, grown);
        }
    }

    public Task<FeedPage> ReadAsync(string agencyCode, long after, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (after < _prunedThrough)
            {
                return Task.FromResult(new FeedPage([], _prunedThrough));
            }

            return Task.FromResult(new FeedPage(
                [.. _items.Where(i => i.Agency == agencyCode && i.Item.Position > after).Take(limit).Select(i => i.Item)], null));
        }
    }

    public Task<long> LatestPositionAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_lastPosition);
        }
    }

    public Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var old = _items.TakeWhile(i => i.FedAt < before).ToList();
            if (old.Count > 0)
            {
                _prunedThrough = Math.Max(_prunedThrough, old[^1].Item.Position);
                _items.RemoveRange(0, old.Count);
            }

            return Task.FromResult((long)old.Count);
        }
    }
}
