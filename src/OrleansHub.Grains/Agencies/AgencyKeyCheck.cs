using OrleansHub.Abstractions.Agencies;

namespace OrleansHub.Grains.Agencies;

/// <summary>What the directory concluded about a presented agency key.</summary>
public enum AgencyKeyStatus
{
    /// <summary>Not an agency key, or it names no registered agency.</summary>
    Unknown = 0,
    /// <summary>The agency exists but the key is not one of its keys, is wrong, or is revoked.</summary>
    Refused,
    /// <summary>A current key of the agency. The agency may still be suspended: that is the endpoint's decision.</summary>
    Valid,
}

/// <summary>
/// The outcome of checking a presented key: the status, the agency's policy when the agency is known (so a refusal can be
/// audited against it), and the key ID named by the key (never the key).
/// </summary>
public sealed record AgencyKeyCheck(AgencyKeyStatus Status, AgencyPolicy? Policy, string? KeyId)
{
    public static readonly AgencyKeyCheck Unknown = new(AgencyKeyStatus.Unknown, null, null);

    public bool IsValid => Status == AgencyKeyStatus.Valid;
}
