namespace OrleansHub.Host.Events.Webhooks;

/// <summary>Where delivery to an agency's webhook stands.</summary>
public enum WebhookStatus
{
    /// <summary>Delivering as events arrive.</summary>
    Active,

    /// <summary>The last attempt failed; the next one is due at <see cref="WebhookEndpoint.NextAttemptAt"/>.</summary>
    Retrying,

    /// <summary>Retries ran out; events wait in the feed until the agency replays or registers again.</summary>
    Failing,

    /// <summary>
    /// Stopped by the operator (<see cref="WebhookEndpoint.DisabledReason"/> <c>operator</c>: only the operator lifts it, by
    /// removing the webhook) or because the key that set it was revoked (<c>key-revoked</c>: the agency registers it again,
    /// with a current key and a new verification). Events wait in the feed.
    /// </summary>
    Disabled,
}

/// <summary>
/// An agency's webhook: where to deliver, the signing secret, and how far delivery got in the agency's feed.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.WebhookEndpoint")]
public sealed record WebhookEndpoint(
    [property: Id(0)] string AgencyCode,
    [property: Id(1)] string Url,
    [property: Id(2)] string Secret,
    [property: Id(3)] WebhookStatus Status,
    [property: Id(4)] long DeliveredThrough,
    [property: Id(5)] int Attempts,
    [property: Id(6)] string? LastError,
    [property: Id(7)] DateTimeOffset? NextAttemptAt,
    [property: Id(8)] DateTimeOffset? FailingSince,
    [property: Id(9)] string? KeyId = null,
    [property: Id(10)] DateTimeOffset? VerifiedAt = null,
    [property: Id(11)] string? DisabledReason = null)
{
    /// <summary><see cref="DisabledReason"/> of a webhook the operator disabled.</summary>
    public const string DisabledByOperator = "operator";

    /// <summary><see cref="DisabledReason"/> of a webhook whose setting key was revoked.</summary>
    public const string DisabledKeyRevoked = "key-revoked";

    public static WebhookEndpoint Create(string agencyCode, string url, string secret, long deliveredThrough) =>
        new(agencyCode, url, secret, WebhookStatus.Active, deliveredThrough, 0, null, null, null);

    /// <summary>
    /// Delivering from <paramref name="cursor"/> with the failure history cleared: after a successful delivery, a replay or
    /// a new registration.
    /// </summary>
    public WebhookEndpoint ActiveFrom(long cursor) =>
        this with { Status = WebhookStatus.Active, DeliveredThrough = cursor, Attempts = 0, LastError = null, NextAttemptAt = null, FailingSince = null, DisabledReason = null };
}

/// <summary>
/// A registration the hub verified: where to deliver (<see cref="Url"/>), a new signing secret or null to keep the current
/// one, where delivery starts, the key that made the change and when the endpoint answered the challenge.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.WebhookChange")]
public sealed record WebhookChange(
    [property: Id(0)] string Url,
    [property: Id(1)] string? NewSecret,
    [property: Id(2)] long After,
    [property: Id(3)] bool KeepCursor,
    [property: Id(4)] string KeyId,
    [property: Id(5)] DateTimeOffset? VerifiedAt);

/// <summary>What registering a webhook did; the endpoint carries its secret, which the API shows only when <see cref="Created"/>.</summary>
[GenerateSerializer, Immutable, Alias("hub.WebhookRegistration")]
public sealed record WebhookRegistration([property: Id(0)] bool Created, [property: Id(1)] WebhookEndpoint Endpoint);

/// <summary>
/// One webhook's backlog: the events past its cursor (<see cref="Pending"/>, capped), and whether its grain has work now
/// (events to deliver while active, or a retry that fell due).
/// </summary>
public sealed record WebhookBacklog(string AgencyCode, long Pending, bool Due);

/// <summary>The webhook endpoints, written only by each agency's <see cref="IWebhookDeliveryGrain"/>.</summary>
public interface IWebhookStore
{
    Task<WebhookEndpoint?> FindAsync(string agencyCode, CancellationToken cancellationToken);

    Task SaveAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string agencyCode, CancellationToken cancellationToken);

    /// <summary>Every webhook's backlog as of <paramref name="now"/>.</summary>
    Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
