namespace OrleansHub.Abstractions.Citizens;

/// <summary>The identity core of a citizen record as the registry wrote it.</summary>
[GenerateSerializer, Immutable, Alias("hub.CitizenIdentity")]
public sealed record CitizenIdentity(
    [property: Id(0)] string FullName,
    [property: Id(1)] DateOnly DateOfBirth,
    [property: Id(2)] Sex Sex);

/// <summary>A stored citizen record: its identity, the version that increases on every accepted change, and when it last changed.</summary>
[GenerateSerializer, Immutable, Alias("hub.CitizenRecord")]
public sealed record CitizenRecord(
    [property: Id(0)] PersonalId Id,
    [property: Id(1)] CitizenIdentity Identity,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset UpdatedAt);
