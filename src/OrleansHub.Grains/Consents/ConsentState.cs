using OrleansHub.Abstractions.Consents;

namespace OrleansHub.Grains.Consents;

/// <summary>What a consent grain persists: every consent the citizen ever gave, oldest first. None is ever deleted.</summary>
[GenerateSerializer, Alias("hub.ConsentState")]
public sealed class ConsentState
{
    [Id(0)] public List<StoredConsent> Consents { get; set; } = [];
}

/// <summary>
/// One consent as stored. Only the revocation time is ever set after the grant; active, pending and expired are
/// computed from the clock when read, never stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.StoredConsent")]
public sealed record StoredConsent(
    [property: Id(0)] Guid Id,
    [property: Id(1)] ConsentGrant Grant,
    [property: Id(2)] DateTimeOffset GrantedAt,
    [property: Id(3)] DateTimeOffset? RevokedAt);
