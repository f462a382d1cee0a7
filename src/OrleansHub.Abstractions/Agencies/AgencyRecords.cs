using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Abstractions.Agencies;

/// <summary>Why an agency operation changed nothing.</summary>
public enum AgencyFailure
{
    None = 0,
    /// <summary>The definition (or a key ID or grace period) broke one or more rules, listed in the errors.</summary>
    Invalid,
    /// <summary>The expected version is not the current one.</summary>
    VersionMismatch,
    /// <summary>No agency is registered under this code.</summary>
    NotFound,
    /// <summary>The agency holds no key with this ID.</summary>
    KeyNotFound,
    /// <summary>The key is already revoked, or the key ID is taken by another key, or the agency holds the most active keys it may.</summary>
    KeyConflict,
}

/// <summary>The outcome of registering or changing an agency: its policy as stored now, or why nothing changed.</summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyWriteResult")]
public sealed record AgencyWriteResult(
    [property: Id(0)] AgencyFailure Failure,
    [property: Id(1)] IReadOnlyList<FieldError> Errors,
    [property: Id(2)] AgencyPolicy? Policy,
    [property: Id(3)] AgencyChangeKind Effect);

/// <summary>What a change to an agency was.</summary>
public enum AgencyChangeKind
{
    /// <summary>Nothing changed (the definition was equal to the stored one).</summary>
    None = 0,
    Created,
    Updated,
    KeyIssued,
    KeyRevoked,
    /// <summary>A key was scheduled to be revoked at a later time (a rotation with a grace period).</summary>
    KeyRevocationScheduled,
}

/// <summary>One change in an agency's history: the policy version after it, when, by whom, and what changed.</summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyChange")]
public sealed record AgencyChange(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] AgencyChangeKind Kind,
    [property: Id(4)] IReadOnlyList<string> Changed,
    [property: Id(5)] string? KeyId);

/// <summary>An agency key as the operator sees it: never the secret. A key is active until <see cref="RevokedAt"/>.</summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyKeyInfo")]
public sealed record AgencyKeyInfo(
    [property: Id(0)] string KeyId,
    [property: Id(1)] DateTimeOffset IssuedAt,
    [property: Id(2)] string IssuedBy,
    [property: Id(3)] DateTimeOffset? RevokedAt,
    [property: Id(4)] string? RevokedBy)
{
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is not { } revoked || now < revoked;
}

/// <summary>A newly issued key. <see cref="Plaintext"/> is shown to the operator once and exists nowhere else.</summary>
[GenerateSerializer, Immutable, Alias("hub.IssuedAgencyKey")]
public sealed record IssuedAgencyKey([property: Id(0)] AgencyKeyInfo Key, [property: Id(1)] string Plaintext)
{
    // Records print every property; a logged or traced result must not carry the secret.
    public override string ToString() => $"IssuedAgencyKey {{ Key = {Key}, Plaintext = (redacted) }}";
}

/// <summary>
/// The outcome of a key operation: the new key (issue, rotate) and the key acted upon (revoke; the replaced key of a rotation),
/// or why nothing changed.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyKeyResult")]
public sealed record AgencyKeyResult(
    [property: Id(0)] AgencyFailure Failure,
    [property: Id(1)] IReadOnlyList<FieldError> Errors,
    [property: Id(2)] IssuedAgencyKey? Issued,
    [property: Id(3)] AgencyKeyInfo? Key)
{
    public static AgencyKeyResult Refused(AgencyFailure failure, string field, string message) => new(failure, [new FieldError(field, message)], null, null);
}

/// <summary>The SHA-256 hash of one key not yet revoked, and when it will be revoked if that is scheduled.</summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyKeyHash")]
public sealed record AgencyKeyHash(
    [property: Id(0)] string KeyId,
    [property: Id(1)] byte[] Sha256,
    [property: Id(2)] DateTimeOffset? RevokesAt);

/// <summary>
/// What a silo needs to authenticate an agency's requests: its policy (null when not registered), the hashes of its keys
/// not yet revoked, and the revision (increased by every change to either) the catalog reports.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyCredentials")]
public sealed record AgencyCredentials(
    [property: Id(0)] AgencyPolicy? Policy,
    [property: Id(1)] IReadOnlyList<AgencyKeyHash> Keys,
    [property: Id(2)] long Revision);

/// <summary>One agency in the catalog: its code and the revision of its policy and keys.</summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyCatalogEntry")]
public sealed record AgencyCatalogEntry([property: Id(0)] string Code, [property: Id(1)] long Revision);

/// <summary>The catalog entries changed after a generation, and the catalog's current generation to ask from next time.</summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyCatalogChanges")]
public sealed record AgencyCatalogChanges([property: Id(0)] long Generation, [property: Id(1)] IReadOnlyList<AgencyCatalogEntry> Changed);
