using Npgsql;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>
/// PostgreSQL mode: LISTENs for the dispatcher's notices that an agency's feed grew (whichever silo dispatched) and wakes
/// this silo's long-polls and streams for that agency; and for other silos' notices that the event log grew, which wake
/// this silo's dispatcher. After a lost connection it wakes all of them, since notices may have
/// been missed while it was down; they re-read their feeds and lose nothing.
/// </summary>
public sealed partial class FeedNotificationListener(
    NpgsqlDataSource dataSource, FeedSignals signals, DispatchSignal logGrew, PostgresAppendNotifier appends, ILogger<FeedNotificationListener> logger)
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
                        if (notice.Payload != appends.Sender)
                        {
                            logGrew.Signal(); // this silo's own appends woke its dispatcher already
                        }
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
                try
                {
                    while (!stopping.IsCancellationRequested)
                    {
                        await connection.WaitAsync(stopping);
                    }
                }
                finally
                {
                    await UnlistenAsync(connection);
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

    /// <summary>The pool does not reset connections, so one that goes back to it must not keep listening.</summary>
    private static async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return; // broken: the pool drops it
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
            await unlisten.ExecuteNonQueryAsync(timeout.Token);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // Npgsql breaks a connection whose command failed or was cancelled; the pool drops it.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the feed notification connection ({Failure}); reconnecting, waiting readers were woken to re-read")]
    private partial void LogListenFailed(string failure);
}
