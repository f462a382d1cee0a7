using OrleansHub.Client.Generated;
using OrleansHub.Client.Generated.Models;

namespace OrleansHub.Client;

/// <summary>Where a feed reader keeps its cursor between runs.</summary>
public interface ICursorStore
{
    /// <summary>The cursor after the last event handled, or null to start at the beginning of the feed.</summary>
    Task<string?> LoadAsync(CancellationToken cancellationToken);

    Task SaveAsync(string cursor, CancellationToken cancellationToken);
}

/// <summary>
/// A cursor in a file, replaced whole (written beside it, then renamed over it): a crash leaves the old cursor or the new
/// one, never half of either.
/// </summary>
public sealed class FileCursorStore(string path) : ICursorStore
{
    public async Task<string?> LoadAsync(CancellationToken cancellationToken) =>
        File.Exists(path) ? (await File.ReadAllTextAsync(path, cancellationToken)).Trim() is { Length: > 0 } cursor ? cursor : null : null;

    public async Task SaveAsync(string cursor, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, cursor, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>
/// Reads this agency's feed (<c>GET /v1/feed</c>) page by page and hands each event to the caller; the cursor is saved
/// only after the whole page was handled, so a crash repeats events (each has a stable <c>id</c> to de-duplicate on) but
/// never skips one.
/// </summary>
public sealed class FeedReader(AgencyApi api, ICursorStore cursors)
{
    /// <summary>Reads one page, waiting up to <paramref name="waitSeconds"/> for events when there are none; returns how many were handled.</summary>
    public async Task<int> ReadPageAsync(Func<CloudEventResponse, CancellationToken, Task> handle, int waitSeconds = 0, CancellationToken cancellationToken = default)
    {
        var after = await cursors.LoadAsync(cancellationToken);
        var page = await api.V1.Feed.GetAsync(request =>
        {
            request.QueryParameters.After = after;
            request.QueryParameters.Wait = waitSeconds;
        }, cancellationToken) ?? throw new InvalidOperationException("The hub answered the feed read with no body.");
        var events = page.Events ?? [];
        foreach (var e in events)
        {
            await handle(e, cancellationToken);
        }

        if (page.Next is { } next && next != after)
        {
            await cursors.SaveAsync(next, cancellationToken);
        }

        return events.Count;
    }

    /// <summary>Reads on until <paramref name="cancellationToken"/> is cancelled, long-polling when the feed is empty.</summary>
    public async Task RunAsync(Func<CloudEventResponse, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await ReadPageAsync(handle, waitSeconds: 25, cancellationToken);
        }
    }
}
