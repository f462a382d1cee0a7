using System.Collections.Concurrent;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>
/// Wakes webhook grains. The dispatcher tells it whose feeds grew, and it nudges those of them that have a webhook (as
/// last seen by this silo's sweep, or registered here since), so agencies without one cost nothing.
/// </summary>
public sealed class WebhookNudges(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, byte> _withWebhook = new(StringComparer.Ordinal);

    public void FeedsGrew(IEnumerable<string> agencyCodes)
    {
        foreach (var agency in agencyCodes)
        {
            if (_withWebhook.ContainsKey(agency))
            {
                Nudge(agency);
            }
        }
    }

    public void Nudge(string agencyCode) => _ = grains.GetGrain<IWebhookDeliveryGrain>(agencyCode).NudgeAsync();

    public void Registered(string agencyCode) => _withWebhook[agencyCode] = 0;

    public void Removed(string agencyCode) => _withWebhook.TryRemove(agencyCode, out _);

    /// <summary>Replaces what this silo knows with the agencies that have a webhook now.</summary>
    public void Refresh(IReadOnlyCollection<string> agencyCodes)
    {
        foreach (var agency in agencyCodes)
        {
            _withWebhook[agency] = 0;
        }

        foreach (var agency in _withWebhook.Keys.Except(agencyCodes))
        {
            _withWebhook.TryRemove(agency, out _);
        }
    }
}
