using OrleansHub.Abstractions.Agencies;

namespace OrleansHub.Grains.Agencies;

/// <summary>What an agency grain persists. No definition means no agency is registered under this code.</summary>
[GenerateSerializer, Alias("hub.AgencyState")]
public sealed class AgencyState
{
    [Id(0)] public AgencyDefinition? Definition { get; set; }

    /// <summary>The policy version: increases with every change to the definition.</summary>
    [Id(1)] public long Version { get; set; }

    [Id(2)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Increases with every change to the definition or the keys; what the catalog and the silos' directories compare.</summary>
    [Id(3)] public long Revision { get; set; }

    /// <summary>Every key ever issued, as hashes; revoked keys stay listed.</summary>
    [Id(4)] public List<StoredAgencyKey> Keys { get; set; } = [];

    /// <summary>Every change, oldest first.</summary>
    [Id(5)] public List<AgencyChange> History { get; set; } = [];

    public bool Exists => Definition is not null;
}

/// <summary>One key as stored: its ID, the SHA-256 hash of the whole key (never the key), and its lifetime.</summary>
[GenerateSerializer, Immutable, Alias("hub.StoredAgencyKey")]
public sealed record StoredAgencyKey(
    [property: Id(0)] string KeyId,
    [property: Id(1)] byte[] Sha256,
    [property: Id(2)] DateTimeOffset IssuedAt,
    [property: Id(3)] string IssuedBy,
    [property: Id(4)] DateTimeOffset? RevokedAt,
    [property: Id(5)] string? RevokedBy)
{
    public AgencyKeyInfo Info => new(KeyId, IssuedAt, IssuedBy, RevokedAt, RevokedBy);

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is not { } revoked || now < revoked;
}
