using Npgsql;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>
/// PostgreSQL mode: LISTENs for the dispatcher's notices that an agency's feed grew (whichever silo dispatched) and wakes
/// this silo's long-polls and streams for that agency; and for other silos' notices that the event log grew, which wake
/// this silo's dispatcher. After a lost connection it wakes all of them, since notices may have
/// been missed while it was down; they re-read their feeds and lose nothing.
/// </summary>
public sealed partial class FeedNotificationListener(NpgsqlDataSource dataSource, FeedSignals signals, DispatchSignal logGrew, ILogger<FeedNotificationListener> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stopping);
                connection.Notification += (_, notice) =>
                {
                    if (notice.Channel == PostgresAppendNotifier.Channel)
                    {
                        logGrew.Signal();
                    }
                    else
                    {
                        signals.Signal(notice.Payload);
                    }
                };
                await using (var listen = new NpgsqlCommand(
                    $"LISTEN {PostgresAgencyFeedStore.NotificationChannel}; LISTEN {PostgresAppendNotifier.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                signals.SignalAll();
                logGrew.Signal();
                while (!stopping.IsCancellationRequested)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListenFailed(e.GetType().Name);
                signals.SignalAll();
                logGrew.Signal();
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the feed notification connection ({Failure}); reconnecting, waiting readers were woken to re-read")]
    private partial void LogListenFailed(string failure);
}
