namespace OrleansHub.Host.Events.Feeds;

/// <summary>Follow one citizen for a purpose; <see cref="EventTypes"/> null or empty means every type.</summary>
public sealed record CitizenSubscriptionRequest(string Purpose, IReadOnlyList<string>? EventTypes = null);

/// <summary>Follow one event type for the whole population, for a purpose.</summary>
public sealed record PopulationSubscriptionRequest(string Purpose);

public sealed record CitizenSubscriptionResponse(string CitizenId, string Purpose, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt)
{
    public static CitizenSubscriptionResponse From(CitizenSubscription s) => new(s.CitizenId, s.Purpose, s.EventTypes, s.CreatedAt);
}

public sealed record PopulationSubscriptionResponse(string EventType, string Purpose, DateTimeOffset CreatedAt)
{
    public static PopulationSubscriptionResponse From(PopulationSubscription s) => new(s.EventType, s.Purpose, s.CreatedAt);
}

/// <summary>A page of citizen subscriptions; pass <see cref="Next"/> as <c>after</c> for the next one (null: no more).</summary>
public sealed record CitizenSubscriptionPage(IReadOnlyList<CitizenSubscriptionResponse> Subscriptions, string? Next);

/// <summary>
/// A page of the agency's feed. <see cref="Next"/> is the cursor to read on from; it moves past events the agency may no
/// longer see (they are not delivered), so it can advance while <see cref="Events"/> is empty.
/// </summary>
public sealed record FeedPageResponse(IReadOnlyList<CloudEventResponse> Events, string Next);
