using OrleansHub.Grains;

namespace OrleansHub.Host.AgencyApi;

/// <summary>Deletes idempotency records past their window every few minutes.</summary>
public sealed partial class IdempotencyPurger(IIdempotencyStore store, [FromKeyedServices(HubClock.Key)] TimeProvider time, ILogger<IdempotencyPurger> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await store.PurgeExpiredAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
            {
                LogPurgeFailed(exception.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expired idempotency records could not be deleted ({ExceptionType}); next try in five minutes")]
    private partial void LogPurgeFailed(string exceptionType);
}
