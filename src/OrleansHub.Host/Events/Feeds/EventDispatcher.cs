using Microsoft.Extensions.Options;
using OrleansHub.Host.Events.Webhooks;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>
/// Moves events from the event log into the feeds of the agencies that follow them. Every silo runs one; the feed store
/// lets one dispatch run at a time across the cluster, and a silo that finds the turn taken backs off, so in practice one
/// silo dispatches and another takes over within seconds of its death, from the checkpoint committed with the last fan-out.
/// It never touches the registry's write path: citizen grains only append to the log.
/// </summary>
public sealed partial class EventDispatcher(
    IAgencyFeedStore feeds,
    FeedSignals signals,
    DispatchSignal logGrew,
    WebhookNudges webhooks,
    IOptions<FeedOptions> options,
    TimeProvider time,
    HubInstruments instruments,
    ILogger<EventDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var settings = options.Value;
        var nextPrune = time.GetUtcNow();
        while (!stopping.IsCancellationRequested)
        {
            var pause = settings.DispatchInterval;
            // Taken before the read: an append committed during it wakes the next wait instead of being missed.
            var grew = logGrew.NextAsync();
            try
            {
                if (await feeds.DispatchNextAsync(settings.DispatchBatch, stopping) is { } done)
                {
                    foreach (var sameType in done.Dispatched.GroupBy(d => d.Event.Type))
                    {
                        instruments.EventsDispatched(sameType.Key, sameType.Count());
                    }

                    foreach (var agency in done.GrownFeeds)
                    {
                        // In PostgreSQL mode every silo also hears the NOTIFY; this saves this silo the round trip.
                        signals.Signal(agency);
                    }

                    webhooks.FeedsGrew(done.GrownFeeds);

                    pause = done.Dispatched.Count == settings.DispatchBatch ? TimeSpan.Zero : pause;
                }
                else
                {
                    // Another silo dispatches: check back later.
                    pause = Backoff;
                }

                if (time.GetUtcNow() >= nextPrune)
                {
                    nextPrune = time.GetUtcNow() + PruneInterval;
                    if (await feeds.PruneAsync(time.GetUtcNow() - settings.Retention, stopping) is var pruned and > 0)
                    {
                        LogPruned(pruned);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogDispatchFailed(e.GetType().Name);
                pause = Backoff;
            }

            if (pause == settings.DispatchInterval)
            {
                // Woken by an append (here or, through NOTIFY, on another silo); the poll is the backstop. A backoff is not
                // cut short: while another silo holds the turn, this one would only lose the race again.
                await Task.WhenAny(grew, Task.Delay(pause, time, stopping));
            }
            else if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event dispatch failed ({Failure}); retrying from the last committed checkpoint")]
    private partial void LogDispatchFailed(string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed retention removed {Count} feed item(s)")]
    private partial void LogPruned(long count);
}
