using OrleansHub.Abstractions.Events;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>An agency following one citizen for a purpose; no event types means every type.</summary>
public sealed record CitizenSubscription(string AgencyCode, string CitizenId, string Purpose, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt)
{
    public bool Wants(string eventType) => EventTypes.Count == 0 || EventTypes.Contains(eventType, StringComparer.Ordinal);
}

/// <summary>A state agency with the mandate following one event type for the whole population.</summary>
public sealed record PopulationSubscription(string AgencyCode, string EventType, string Purpose, DateTimeOffset CreatedAt);

/// <summary>What storing a citizen subscription did.</summary>
public enum SubscribeOutcome
{
    Created,
    Replaced,
    /// <summary>New, and the agency already follows the most citizens it may: nothing was stored.</summary>
    LimitReached,
}

/// <summary>Who follows what. Changes take effect for events fanned out after them.</summary>
public interface ISubscriptionStore
{
    /// <summary>Creates or replaces the agency's subscription to the citizen; a new one only while the agency follows fewer than <paramref name="maxPerAgency"/>.</summary>
    Task<SubscribeOutcome> SubscribeAsync(CitizenSubscription subscription, int maxPerAgency, CancellationToken cancellationToken);

    /// <summary>True when there was a subscription to remove.</summary>
    Task<bool> UnsubscribeCitizenAsync(string agencyCode, string citizenId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the agency's population-wide subscription to one event type; true when it is new.</summary>
    Task<bool> SubscribeAsync(PopulationSubscription subscription, CancellationToken cancellationToken);

    Task<bool> UnsubscribePopulationAsync(string agencyCode, string eventType, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of the agency's citizen subscriptions after <paramref name="afterCitizenId"/>, by citizen ID.</summary>
    Task<IReadOnlyList<CitizenSubscription>> ListCitizensAsync(string agencyCode, string? afterCitizenId, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<PopulationSubscription>> ListPopulationAsync(string agencyCode, CancellationToken cancellationToken);
}

/// <summary>Subscriptions in memory (embedded mode), also the fan-out's source there.</summary>
public sealed class InMemorySubscriptionStore : ISubscriptionStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Agency, string Citizen), CitizenSubscription> _citizens = [];
    private readonly Dictionary<(string Agency, string Type), PopulationSubscription> _population = [];

    public Task<SubscribeOutcome> SubscribeAsync(CitizenSubscription subscription, int maxPerAgency, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var isNew = !_citizens.ContainsKey((subscription.AgencyCode, subscription.CitizenId));
            if (isNew && _citizens.Keys.Count(k => k.Agency == subscription.AgencyCode) >= maxPerAgency)
            {
                return Task.FromResult(SubscribeOutcome.LimitReached);
            }

            _citizens[(subscription.AgencyCode, subscription.CitizenId)] = subscription;
            return Task.FromResult(isNew ? SubscribeOutcome.Created : SubscribeOutcome.Replaced);
        }
    }

    public Task<bool> UnsubscribeCitizenAsync(string agencyCode, string citizenId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_citizens.Remove((agencyCode, citizenId)));
        }
    }

    public Task<bool> SubscribeAsync(PopulationSubscription subscription, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var isNew = !_population.ContainsKey((subscription.AgencyCode, subscription.EventType));
            _population[(subscription.AgencyCode, subscription.EventType)] = subscription;
            return Task.FromResult(isNew);
        }
    }

    public Task<bool> UnsubscribePopulationAsync(string agencyCode, string eventType, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_population.Remove((agencyCode, eventType)));
        }
    }

    public Task<IReadOnlyList<CitizenSubscription>> ListCitizensAsync(string agencyCode, string? afterCitizenId, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<CitizenSubscription>>([.. _citizens.Values
                .Where(s => s.AgencyCode == agencyCode && string.CompareOrdinal(s.CitizenId, afterCitizenId) > 0)
                .OrderBy(s => s.CitizenId, StringComparer.Ordinal)
                .Take(limit)]);
        }
    }

    public Task<IReadOnlyList<PopulationSubscription>> ListPopulationAsync(string agencyCode, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<PopulationSubscription>>([.. _population.Values
                .Where(s => s.AgencyCode == agencyCode).OrderBy(s => s.EventType, StringComparer.Ordinal)]);
        }
    }

    /// <summary>Every (agency, purpose) that is to receive <paramref name="e"/>; an agency following both ways gets it once.</summary>
    public IReadOnlyList<(string Agency, string Purpose)> RecipientsOf(CitizenEvent e)
    {
        if (e.Consent is { } consent)
        {
            return [(consent.AgencyCode, consent.Purpose)]; // to the consent's agency alone
        }

        lock (_lock)
        {
            var recipients = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var s in _population.Values.Where(s => s.EventType == e.Type))
            {
                recipients.TryAdd(s.AgencyCode, s.Purpose);
            }

            foreach (var s in _citizens.Values.Where(s => s.CitizenId == e.CitizenId && s.Wants(e.Type)))
            {
                recipients.TryAdd(s.AgencyCode, s.Purpose);
            }

            return [.. recipients.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, r.Value))];
        }
    }
}
