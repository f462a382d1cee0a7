using OrleansHub.Abstractions.Consents;

namespace OrleansHub.Host.Consents;

/// <summary>A citizen's request to consent. A consent cannot be edited: to change one, grant a new one and revoke the old.</summary>
public sealed record GrantConsentRequest
{
    /// <summary>The agency that may see the fields, e.g. <c>VCB</c>.</summary>
    public required string AgencyCode { get; init; }

    /// <summary>The purpose code the agency states in its requests, e.g. <c>account-opening</c>.</summary>
    public required string Purpose { get; init; }

    /// <summary>The purpose in words, as the citizen was shown it (at most 500 characters).</summary>
    public required string PurposeText { get; init; }

    /// <summary>The citizen fields the agency may see for this purpose.</summary>
    public required IReadOnlyList<string> Fields { get; init; }

    /// <summary>When the consent starts; now when omitted.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>When the consent ends; at most 5 years after it starts.</summary>
    public required DateTimeOffset ValidUntil { get; init; }

    /// <summary>How many days the agency may keep what it received (0 to 3650).</summary>
    public required int RetentionDays { get; init; }
}

/// <summary>A consent and its status as of the response.</summary>
public sealed record ConsentResponse(
    Guid Id,
    string AgencyCode,
    string Purpose,
    string PurposeText,
    IReadOnlyList<string> Fields,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    int RetentionDays,
    DateTimeOffset GrantedAt,
    DateTimeOffset? RevokedAt,
    ConsentStatus Status)
{
    public static ConsentResponse From(ConsentRecord consent)
    {
        var grant = consent.Grant;
        return new(consent.Id, grant.AgencyCode, grant.Purpose, grant.PurposeText, grant.Fields, grant.ValidFrom, grant.ValidUntil, grant.RetentionDays,
            consent.GrantedAt, consent.RevokedAt, consent.Status);
    }
}

/// <summary>Every consent the citizen has given, newest first.</summary>
public sealed record ConsentListResponse(IReadOnlyList<ConsentResponse> Consents);
