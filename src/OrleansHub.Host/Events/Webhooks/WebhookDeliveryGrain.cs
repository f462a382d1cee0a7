using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Agencies;
using OrleansHub.Host.Disclosures;
using OrleansHub.Host.Events.Feeds;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>
/// Delivers one agency's feed to its webhook. Delivery runs as a loop on the activation, beside its calls: status reads
/// and replays are answered while a slow endpoint is being waited on. A failed attempt is retried with exponential
/// backoff and jitter until <see cref="WebhookOptions.RetryFor"/> has passed, then the endpoint is marked failing and
/// the events wait in the feed until the agency replays.
/// </summary>
public sealed partial class WebhookDeliveryGrain(
    IWebhookStore store,
    IAgencyFeedStore feeds,
    DisclosureService disclosures,
    AgencyDirectory agencies,
    WebhookSender sender,
    WebhookNudges nudges,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    HubInstruments instruments,
    WebhookAudit audit,
    ILogger<WebhookDeliveryGrain> logger) : Grain, IWebhookDeliveryGrain
{
    private readonly WebhookOptions _options = options.Value;
    private WebhookEndpoint? _endpoint;
    private WebhookEndpoint? _saved;
    private DateTimeOffset _savedAt;
    private IGrainTimer? _retry;
    private IGrainTimer? _save;
    private bool _delivering;
    private bool _again;

    // Bumped by every registration, replay and removal, so a delivery in flight across one does not move the new cursor.
    private long _generation;

    // The last position of a message that failed: its retry resends exactly those items under the same webhook-id.
    private long? _retryThrough;

    private string AgencyCode => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _endpoint = _saved = await store.FindAsync(AgencyCode, cancellationToken);
        if (_endpoint is { Status: WebhookStatus.Retrying, NextAttemptAt: { } next })
        {
            ScheduleRetry(next - time.GetUtcNow());
        }
        else
        {
            Deliver();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_endpoint is not null && _endpoint != _saved)
        {
            await store.SaveAsync(_endpoint, cancellationToken);
        }
    }

    public async Task<WebhookRegistration> RegisterAsync(WebhookChange change)
    {
        var created = _endpoint is null;
        var endpoint = _endpoint is { } existing
            ? existing.ActiveFrom(change.KeepCursor ? existing.DeliveredThrough : change.After) with { Url = change.Url, Secret = change.NewSecret ?? existing.Secret }
            : WebhookEndpoint.Create(AgencyCode, change.Url, change.NewSecret ?? WebhookSigner.NewSecret(), change.After);
        // Bound to the key whose verified change set the URL or secret; a cursor-only change moves no binding.
        endpoint = change.VerifiedAt is { } verified
            ? endpoint with { KeyId = change.KeyId, VerifiedAt = verified }
            : endpoint with { KeyId = endpoint.KeyId ?? change.KeyId };
        await RestartAsync(endpoint);
        nudges.Registered(AgencyCode);
        return new WebhookRegistration(created, endpoint);
    }

    public async Task<bool> DisableAsync(string reason)
    {
        if (_endpoint is null)
        {
            return false;
        }

        _generation++;
        CancelTimers();
        _retryThrough = null;
        await SaveAsync(_endpoint with { Status = WebhookStatus.Disabled, NextAttemptAt = null, DisabledReason = reason });
        return true;
    }

    public Task<WebhookEndpoint?> GetAsync() => Task.FromResult(_endpoint);

    public async Task<bool> ReplayAsync(long after)
    {
        if (_endpoint is null)
        {
            return false;
        }

        if (_endpoint.Status == WebhookStatus.Disabled)
        {
            // A disabled webhook is not restarted by a replay: the operator lifts it, or the agency registers it again.
            await SaveAsync(_endpoint with { DeliveredThrough = after });
            return true;
        }

        await RestartAsync(_endpoint.ActiveFrom(after));
        return true;
    }

    public async Task<bool> RemoveAsync()
    {
        _generation++;
        CancelTimers();
        _endpoint = _saved = null;
        nudges.Removed(AgencyCode);
        return await store.DeleteAsync(AgencyCode, CancellationToken.None);
    }

    public Task NudgeAsync()
    {
        Deliver();
        return Task.CompletedTask;
    }

    private async Task RestartAsync(WebhookEndpoint endpoint)
    {
        _generation++;
        CancelTimers();
        _retryThrough = null;
        await SaveAsync(endpoint);
        Deliver();
    }

    /// <summary>Starts the delivery loop, or asks the running one to look again; a pending retry keeps its backoff.</summary>
    private void Deliver()
    {
        if (_endpoint is not { Status: WebhookStatus.Active } || _retry is not null)
        {
            return;
        }

        if (_delivering)
        {
            _again = true;
            return;
        }

        // Not awaited: the loop runs on this activation between its calls. (It can finish before this line returns.)
        _delivering = true;
        _ = LoopAsync();
    }

    private async Task LoopAsync()
    {
        try
        {
            do
            {
                _again = false;
                await DeliverPendingAsync();
            }
            while (_again);
        }
        catch (Exception e)
        {
            // The feed or the store failed: the sweep nudges this grain again within its interval.
            LogDeliveryFailed(AgencyCode, e.GetType().Name);
        }
        finally
        {
            _delivering = false;
        }
    }

    private async Task DeliverPendingAsync()
    {
        while (_endpoint is { Status: WebhookStatus.Active } endpoint && _retry is null)
        {
            var generation = _generation;
            if (await agencies.FindAsync(AgencyCode) is not { IsActive: true } agency)
            {
                return; // Suspended or revoked: its events wait in the feed.
            }

            if (endpoint.KeyId is { } keyId && !await agencies.IsKeyCurrentAsync(AgencyCode, keyId))
            {
                // The key that pointed the webhook here was revoked: it may have been stolen, so its endpoint gets nothing more.
                if (generation == _generation)
                {
                    await SaveAsync(endpoint with { Status = WebhookStatus.Disabled, DisabledReason = WebhookEndpoint.DisabledKeyRevoked });
                    await audit.RecordAsync(AgencyCode, WebhookAudit.Disabled, Audit.AuditOutcome.Allowed, WebhookEndpoint.DisabledKeyRevoked, "webhook-sweep");
                    LogDisabledKeyRevoked(AgencyCode);
                }

                return;
            }

            var page = await feeds.ReadAsync(AgencyCode, endpoint.DeliveredThrough, _options.MaxEventsPerMessage, CancellationToken.None);
            if (generation != _generation)
            {
                continue;
            }

            if (page.Expired)
            {
                // Retention deleted what was never delivered: resume from the oldest kept, as a pull reader would.
                LogSkippedExpired(AgencyCode, endpoint.DeliveredThrough, page.OldestAvailable!.Value);
                await SaveAsync(endpoint.ActiveFrom(page.OldestAvailable.Value));
                continue;
            }

            var items = _retryThrough is { } through ? [.. page.Items.Where(i => i.Position <= through)] : page.Items;
            if (items.Count == 0)
            {
                _retryThrough = null;
                SaveSoon();
                return;
            }

            var last = items[^1].Position;
            var messageId = string.Create(CultureInfo.InvariantCulture, $"msg_{items[0].Position}_{last}");
            // Decided and audited (one entry per citizen told) before the attempt; a retry is decided and audited afresh.
            var shown = await disclosures.DeliverAsync(agency, [.. items.Select(i => new EventOffer(i.Position, i.Purpose, i.Event))], "webhook", messageId);
            if (shown.Count > 0)
            {
                var body = new FeedPageResponse([.. shown.Select(d => CloudEventResponse.From(d.Event))], last.ToString(CultureInfo.InvariantCulture));
                var attempt = await sender.SendAsync(endpoint, messageId, body, CancellationToken.None);
                instruments.WebhookAttempt(AgencyCode, attempt.Delivered);
                if (generation != _generation)
                {
                    continue;
                }

                if (!attempt.Delivered)
                {
                    _retryThrough = last;
                    await FailedAsync(endpoint, attempt.Error!);
                    return;
                }

                var now = time.GetUtcNow();
                foreach (var item in shown)
                {
                    instruments.EventDelivered(AgencyCode, "webhook", item.Event.Time, now);
                }
            }

            _retryThrough = null;
            var delivered = endpoint.ActiveFrom(last);
            if (endpoint.Status != WebhookStatus.Active || endpoint.Attempts > 0)
            {
                await SaveAsync(delivered);
            }
            else
            {
                _endpoint = delivered;
                SaveSoon();
            }
        }
    }

    private async Task FailedAsync(WebhookEndpoint endpoint, string error)
    {
        var now = time.GetUtcNow();
        var failingSince = endpoint.FailingSince ?? now;
        var attempts = endpoint.Attempts + 1;
        if (now - failingSince >= _options.RetryFor)
        {
            LogMarkedFailing(AgencyCode, attempts, error);
            await SaveAsync(endpoint with { Status = WebhookStatus.Failing, Attempts = attempts, LastError = error, NextAttemptAt = null, FailingSince = failingSince });
            return;
        }

        // The timer first: if the save fails (PostgreSQL down), the grain still holds a retrying endpoint in memory, and
        // without its timer nothing would start it again (a nudge does not start a retrying endpoint).
        var delay = RetryDelay(attempts);
        ScheduleRetry(delay);
        await SaveAsync(endpoint with { Status = WebhookStatus.Retrying, Attempts = attempts, LastError = error, NextAttemptAt = now + delay, FailingSince = failingSince });
    }

    /// <summary>Exponential backoff with "equal jitter": half the doubled delay fixed, half random, so retries of many endpoints spread out.</summary>
    private TimeSpan RetryDelay(int attempts)
    {
        var doubled = _options.InitialRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = doubled < _options.MaxRetryDelay ? doubled : _options.MaxRetryDelay;
        return capped / 2 + capped / 2 * Random.Shared.NextDouble();
    }

    private void ScheduleRetry(TimeSpan delay)
    {
        _retry?.Dispose();
        _retry = this.RegisterGrainTimer(
            _ =>
            {
                _retry?.Dispose();
                _retry = null;
                if (_endpoint is { Status: WebhookStatus.Retrying } retrying)
                {
                    _endpoint = retrying with { Status = WebhookStatus.Active };
                }

                Deliver();
                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    /// <summary>Saves the cursor at most every <see cref="WebhookOptions.CursorSaveInterval"/> while delivering.</summary>
    private void SaveSoon()
    {
        if (_endpoint == _saved || _save is not null)
        {
            return;
        }

        var wait = _savedAt + _options.CursorSaveInterval - time.GetUtcNow();
        _save = this.RegisterGrainTimer(
            async _ =>
            {
                _save?.Dispose();
                _save = null;
                if (_endpoint is { } current && current != _saved)
                {
                    await SaveAsync(current);
                }
            },
            new GrainTimerCreationOptions(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    private async Task SaveAsync(WebhookEndpoint endpoint)
    {
        _endpoint = endpoint;
        await store.SaveAsync(endpoint, CancellationToken.None);
        (_saved, _savedAt) = (endpoint, time.GetUtcNow());
    }

    private void CancelTimers()
    {
        _retry?.Dispose();
        _save?.Dispose();
        (_retry, _save) = (null, null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery for agency {AgencyCode} stopped ({Failure}); the sweep will resume it")]
    private partial void LogDeliveryFailed(string agencyCode, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook of agency {AgencyCode} disabled: the key that registered it was revoked")]
    private partial void LogDisabledKeyRevoked(string agencyCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook of agency {AgencyCode} marked failing after {Attempts} attempt(s): {Error}")]
    private partial void LogMarkedFailing(string agencyCode, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook of agency {AgencyCode} was behind retention: skipped from cursor {From} to {To}")]
    private partial void LogSkippedExpired(string agencyCode, long from, long to);
}
