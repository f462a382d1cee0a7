using System.Text.Json;
using OrleansHub.Abstractions.Agencies;

namespace OrleansHub.Host.Agencies;

/// <summary>The operator's definition of an agency and its data-sharing agreement.</summary>
public sealed record AgencyRequest
{
    /// <summary>The agency's name, 2 to 200 letters, digits, spaces and . , &amp; ' ( ) - /</summary>
    public required string Name { get; init; }

    /// <summary>state (a state body under a legal mandate) or commercial (bank, telecom, insurer).</summary>
    public required AgencyKind Kind { get; init; }

    /// <summary>active, or suspended (every request refused).</summary>
    public required AgencyStatus Status { get; init; }

    /// <summary>Citizen fields the agreement allows, each once.</summary>
    public required IReadOnlyList<string> Fields { get; init; }

    /// <summary>Purpose codes the agency may state, e.g. kyc-onboarding.</summary>
    public required IReadOnlyList<string> Purposes { get; init; }

    /// <summary>Whether the citizen's consent is needed; must be true for a commercial agency.</summary>
    public required bool RequiresConsent { get; init; }

    public AgencyDefinition ToDefinition() => new(Name, Kind, Status, Fields, Purposes, RequiresConsent);
}

/// <summary>An agency and its agreement as the hub holds it; the version is the ETag.</summary>
public sealed record AgencyResponse(
    string Code, string Name, AgencyKind Kind, AgencyStatus Status, IReadOnlyList<string> Fields, IReadOnlyList<string> Purposes,
    bool RequiresConsent, long Version, DateTimeOffset UpdatedAt)
{
    public static AgencyResponse From(AgencyPolicy policy) => new(
        policy.Code, policy.Definition.Name, policy.Definition.Kind, policy.Definition.Status, policy.Definition.Fields,
        policy.Definition.Purposes, policy.Definition.RequiresConsent, policy.Version, policy.UpdatedAt);
}

/// <summary>Every registered agency, by code.</summary>
public sealed record AgencyListResponse(IReadOnlyList<AgencyResponse> Agencies);

/// <summary>One change to an agency or its keys: the policy version after it, when, by whom, what kind, what changed.</summary>
public sealed record AgencyChangeResponse(long Version, DateTimeOffset At, string Actor, string Kind, IReadOnlyList<string> Changed, string? KeyId)
{
    public static AgencyChangeResponse From(AgencyChange change) =>
        new(change.Version, change.At, change.Actor, JsonNamingPolicy.KebabCaseLower.ConvertName(change.Kind.ToString()), change.Changed, change.KeyId);
}

/// <summary>An agency's change history, newest first.</summary>
public sealed record AgencyHistoryResponse(IReadOnlyList<AgencyChangeResponse> Changes);

/// <summary>A key as the operator sees it: never the secret. Status is active, revoking (a rotation's grace period) or revoked.</summary>
public sealed record AgencyKeyResponse(string KeyId, string Status, DateTimeOffset IssuedAt, string IssuedBy, DateTimeOffset? RevokedAt, string? RevokedBy)
{
    public static AgencyKeyResponse From(AgencyKeyInfo key, DateTimeOffset now) => new(
        key.KeyId,
        key.RevokedAt is null ? "active" : key.IsActiveAt(now) ? "revoking" : "revoked",
        key.IssuedAt, key.IssuedBy, key.RevokedAt, key.RevokedBy);
}

/// <summary>An agency's keys, oldest first.</summary>
public sealed record AgencyKeyListResponse(IReadOnlyList<AgencyKeyResponse> Keys);

/// <summary>
/// A newly issued key. <c>key</c> is shown this once: the hub keeps only its hash. For a rotation, <c>replaced</c> is the old
/// key and when it stops working.
/// </summary>
public sealed record IssuedKeyResponse(string Agency, string KeyId, string Key, DateTimeOffset IssuedAt, AgencyKeyResponse? Replaced)
{
    // Records print every property; keep the secret out of any log that prints this.
    public override string ToString() => $"IssuedKeyResponse {{ Agency = {Agency}, KeyId = {KeyId}, Key = (redacted) }}";
}
