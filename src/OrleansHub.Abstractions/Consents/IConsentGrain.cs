using Orleans.Concurrency;
namespace OrleansHub.Abstractions.Consents;

/// <summary>
/// One citizen's consents, keyed by the citizen's 12-digit ID number. A consent is immutable: a change is a new consent.
/// Every lookup by an agency that needs consent asks this grain, so a revocation holds for the very next request on any silo.
/// </summary>
public interface IConsentGrain : IGrainWithStringKey
{
    /// <summary>Records a new consent and returns it, or the validation errors that stopped it.</summary>
    Task<ConsentGrantResult> GrantAsync(ConsentGrant grant);

    /// <summary>Revokes a consent and returns it; null when the citizen holds no consent with that ID. Revoking twice is not an error.</summary>
    Task<ConsentRecord?> RevokeAsync(Guid consentId);

    /// <summary>Every consent the citizen has given, newest first, with its status as of now.</summary>
    Task<IReadOnlyList<ConsentRecord>> ListAsync();

    /// <summary>Which of <paramref name="fields"/> the citizen's consents let <paramref name="agencyCode"/> see for <paramref name="purpose"/> now.</summary>
    [ReadOnly]
    Task<ConsentDecision> EvaluateAsync(string agencyCode, string purpose, IReadOnlyList<string> fields);
}

/// <summary>What a citizen agrees to: one agency, one purpose, some fields, a validity window and how long the agency may keep the data.</summary>
[GenerateSerializer, Immutable, Alias("hub.ConsentGrant")]
public sealed record ConsentGrant(
    [property: Id(0)] string AgencyCode,
    [property: Id(1)] string Purpose,
    [property: Id(2)] string PurposeText,
    [property: Id(3)] IReadOnlyList<string> Fields,
    [property: Id(4)] DateTimeOffset ValidFrom,
    [property: Id(5)] DateTimeOffset ValidUntil,
    [property: Id(6)] int RetentionDays);

public enum ConsentStatus
{
    Active = 0,
    Revoked,
    Expired,
    /// <summary>Granted with a validity window that has not started yet.</summary>
    Pending,
}

/// <summary>A stored consent and its status as of when it was read.</summary>
[GenerateSerializer, Immutable, Alias("hub.ConsentRecord")]
public sealed record ConsentRecord(
    [property: Id(0)] Guid Id,
    [property: Id(1)] ConsentGrant Grant,
    [property: Id(2)] DateTimeOffset GrantedAt,
    [property: Id(3)] DateTimeOffset? RevokedAt,
    [property: Id(4)] ConsentStatus Status);

[GenerateSerializer, Immutable, Alias("hub.ConsentGrantResult")]
public sealed record ConsentGrantResult(
    [property: Id(0)] ConsentRecord? Consent,
    [property: Id(1)] IReadOnlyList<Citizens.FieldError> Errors);

/// <summary>Why consent did not cover a request.</summary>
public enum ConsentRefusal
{
    None = 0,
    /// <summary>No consent for this agency and purpose was ever given, or every one was revoked.</summary>
    NoConsent,
    /// <summary>The only consents for this agency and purpose have expired.</summary>
    Expired,
}

/// <summary>The fields consent allows (possibly fewer than asked), or why none are allowed.</summary>
[GenerateSerializer, Immutable, Alias("hub.ConsentDecision")]
public sealed record ConsentDecision(
    [property: Id(0)] IReadOnlyList<string> AllowedFields,
    [property: Id(1)] ConsentRefusal Refusal);
