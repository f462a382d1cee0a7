using Orleans.Concurrency;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>
/// One agency's webhook (keyed by agency code): the single writer of its endpoint, and the one place in the cluster that
/// delivers its feed to it, in feed order. A slow or dead endpoint delays only this grain.
/// </summary>
public interface IWebhookDeliveryGrain : IGrainWithStringKey
{
    /// <summary>Registers (or re-points, or re-keys) the webhook as <paramref name="change"/> says; the caller verified the endpoint.</summary>
    Task<WebhookRegistration> RegisterAsync(WebhookChange change);

    /// <summary>Stops delivery (status disabled, with <paramref name="reason"/>); false when the agency has no webhook.</summary>
    Task<bool> DisableAsync(string reason);

    /// <summary>The webhook as it stands, or null when the agency has none.</summary>
    Task<WebhookEndpoint?> GetAsync();

    /// <summary>Delivers again from <paramref name="after"/> and clears a failing state; false when the agency has no webhook.</summary>
    Task<bool> ReplayAsync(long after);

    /// <summary>Removes the webhook; false when there was none.</summary>
    Task<bool> RemoveAsync();

    /// <summary>The agency's feed may have grown (or a retry fell due): deliver what is pending.</summary>
    [OneWay]
    Task NudgeAsync();
}
