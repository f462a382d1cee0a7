using Microsoft.Extensions.Options;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>
/// Every silo, every <see cref="WebhookOptions.SweepInterval"/>: nudges each webhook grain that has undelivered events or a
/// retry due. This is what resumes delivery after the silo holding a grain died, or after a nudge was lost; in steady
/// state the dispatcher's nudges do the work. It also publishes each webhook's backlog as the feed-depth gauge.
/// </summary>
public sealed partial class WebhookSweep(
    IWebhookStore store, WebhookNudges nudges, IOptions<WebhookOptions> options, TimeProvider time, HubInstruments instruments,
    ILogger<WebhookSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var backlog = await store.ListBacklogAsync(time.GetUtcNow(), stopping);
                nudges.Refresh([.. backlog.Select(b => b.AgencyCode)]);
                instruments.FeedDepths(backlog.ToDictionary(b => b.AgencyCode, b => b.Pending, StringComparer.Ordinal));
                foreach (var due in backlog.Where(b => b.Due))
                {
                    nudges.Nudge(due.AgencyCode);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogSweepFailed(e.GetType().Name);
            }

            await Task.Delay(options.Value.SweepInterval, time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook sweep failed ({Failure}); retrying at the next interval")]
    private partial void LogSweepFailed(string failure);
}
