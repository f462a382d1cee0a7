namespace OrleansHub.Abstractions.Agencies;

/// <summary>
/// One agency, keyed by its code (2-16 upper-case letters or digits): its agreement, versioned, and its API keys,
/// held only as hashes. The operator's admin API is the only writer; the per-silo agency directory reads it.
/// </summary>
public interface IAgencyGrain : IGrainWithStringKey
{
    /// <summary>Returns the agency's policy, or null when no agency is registered under this code.</summary>
    Task<AgencyPolicy?> GetAsync();

    /// <summary>Registers the agency or replaces its definition, at <paramref name="expectedVersion"/> when given (0: only create).</summary>
    Task<AgencyWriteResult> RegisterAsync(AgencyDefinition definition, long? expectedVersion, string actor);

    /// <summary>Returns every change to the agency and its keys, newest first.</summary>
    Task<IReadOnlyList<AgencyChange>> GetHistoryAsync();

    /// <summary>Issues a new key; the result carries the plaintext key, which is never stored and cannot be read again.</summary>
    Task<AgencyKeyResult> IssueKeyAsync(string actor);

    /// <summary>Accepts a key made elsewhere, given only its ID and SHA-256 hash (the embedded demo's fixed development keys).</summary>
    Task<AgencyKeyResult> ImportKeyAsync(string keyId, byte[] sha256, string actor);

    /// <summary>Lists every key ever issued (active, scheduled for revocation, revoked), without secrets.</summary>
    Task<IReadOnlyList<AgencyKeyInfo>> ListKeysAsync();

    /// <summary>Revokes a key now. Revoking a revoked key changes nothing.</summary>
    Task<AgencyKeyResult> RevokeKeyAsync(string keyId, string actor);

    /// <summary>Issues a new key and revokes <paramref name="keyId"/> after <paramref name="grace"/> (at once when zero).</summary>
    Task<AgencyKeyResult> RotateKeyAsync(string keyId, TimeSpan grace, string actor);

    /// <summary>The policy and the hashes of the keys not yet revoked, for the per-silo directory.</summary>
    Task<AgencyCredentials> GetCredentialsAsync();
}
