using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Agencies;

/// <summary>
/// Holds one agency's agreement and keys. Every accepted change is persisted, then reported to the agency catalog so every
/// silo's <see cref="AgencyDirectory"/> reloads it within a refresh interval.
/// </summary>
public sealed partial class AgencyGrain(
    [PersistentState("agency", GrainStorageNames.Directory)] IPersistentState<AgencyState> state,
    [FromKeyedServices(HubClock.Key)] TimeProvider time,
    ILogger<AgencyGrain> logger) : Grain, IAgencyGrain
{
    /// <summary>Most keys an agency may hold that are neither revoked nor scheduled for revocation.</summary>
    public const int MaxActiveKeys = 5;

    private string Code => this.GetPrimaryKeyString();

    private AgencyState State => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Heals a catalog that missed a report (the call after a committed change failed): the catalog ignores a revision it has.
        // Best effort: an unreachable catalog must not make the agency itself unreachable.
        if (State.Exists)
        {
            try
            {
                await Catalog.RecordAsync(Code, State.Revision);
            }
            catch (Exception e)
            {
                LogCatalogUnreachable(Code, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agency {Code} could not report its revision to the agency catalog ({Failure}); it will on its next change or activation")]
    private partial void LogCatalogUnreachable(string code, string failure);

    private IAgencyCatalogGrain Catalog => GrainFactory.GetGrain<IAgencyCatalogGrain>(IAgencyCatalogGrain.Key);

    public Task<AgencyPolicy?> GetAsync() => Task.FromResult(Policy());

    public async Task<AgencyWriteResult> RegisterAsync(AgencyDefinition definition, long? expectedVersion, string actor)
    {
        if (expectedVersion is { } expected && expected != State.Version)
        {
            return new(AgencyFailure.VersionMismatch, [], Policy(), AgencyChangeKind.None);
        }

        var errors = AgencyRules.IsCode(Code) ? AgencyRules.Validate(definition) : [new FieldError("code", "An agency code is 2 to 16 upper-case letters or digits.")];
        if (errors.Count > 0)
        {
            return new(AgencyFailure.Invalid, errors, Policy(), AgencyChangeKind.None);
        }

        // Stored as plain lists so the state never holds a caller's collection type.
        var stored = definition with { Fields = [.. definition.Fields], Purposes = [.. definition.Purposes] };
        var changed = ChangedMembers(State.Definition, stored);
        if (changed.Count == 0)
        {
            return new(AgencyFailure.None, [], Policy(), AgencyChangeKind.None);
        }

        var kind = State.Exists ? AgencyChangeKind.Updated : AgencyChangeKind.Created;
        State.Definition = stored;
        State.Version++;
        State.UpdatedAt = time.GetUtcNow();
        await CommitAsync(kind, actor, changed, keyId: null);
        return new(AgencyFailure.None, [], Policy(), kind);
    }

    public Task<IReadOnlyList<AgencyChange>> GetHistoryAsync() =>
        Task.FromResult<IReadOnlyList<AgencyChange>>([.. Enumerable.Reverse(State.History)]);

    public async Task<AgencyKeyResult> IssueKeyAsync(string actor)
    {
        if (Refusal() is { } refusal)
        {
            return refusal;
        }

        var keyId = NewKeyId();
        var plaintext = AgencyKeys.NewKey(Code, keyId);
        var key = await AddKeyAsync(keyId, AgencyKeys.Hash(plaintext), actor);
        return new(AgencyFailure.None, [], new IssuedAgencyKey(key.Info, plaintext), null);
    }

    public async Task<AgencyKeyResult> ImportKeyAsync(string keyId, byte[] sha256, string actor)
    {
        if (!AgencyKeys.IsKeyId(keyId) || sha256 is not { Length: AgencyKeys.HashLength })
        {
            return AgencyKeyResult.Refused(AgencyFailure.Invalid, "keyId", "A key ID is 3 to 16 lower-case letters or digits, and the hash is 32 bytes of SHA-256.");
        }

        if (State.Keys.Find(k => k.KeyId == keyId) is { } existing)
        {
            // Importing the same key again (a restarted demo) is a no-op; reusing the ID for another key is not allowed.
            return existing.Sha256.AsSpan().SequenceEqual(sha256) && existing.RevokedAt is null
                ? new(AgencyFailure.None, [], null, existing.Info)
                : AgencyKeyResult.Refused(AgencyFailure.KeyConflict, "keyId", "This key ID belongs to another or a revoked key.");
        }

        if (Refusal() is { } refusal)
        {
            return refusal;
        }

        var key = await AddKeyAsync(keyId, [.. sha256], actor);
        return new(AgencyFailure.None, [], null, key.Info);
    }

    public Task<IReadOnlyList<AgencyKeyInfo>> ListKeysAsync() =>
        Task.FromResult<IReadOnlyList<AgencyKeyInfo>>([.. State.Keys.Select(k => k.Info)]);

    public async Task<AgencyKeyResult> RevokeKeyAsync(string keyId, string actor)
    {
        if (!State.Exists)
        {
            return AgencyKeyResult.Refused(AgencyFailure.NotFound, "code", "No agency is registered under this code.");
        }

        var index = State.Keys.FindIndex(k => k.KeyId == keyId);
        if (index < 0)
        {
            return AgencyKeyResult.Refused(AgencyFailure.KeyNotFound, "keyId", "The agency holds no key with this ID.");
        }

        var now = time.GetUtcNow();
        var key = State.Keys[index];
        if (!key.IsActiveAt(now))
        {
            return new(AgencyFailure.None, [], null, key.Info);
        }

        // A key scheduled for revocation by a rotation is revoked now; its revocation time moves forward, never back.
        State.Keys[index] = key with { RevokedAt = now, RevokedBy = actor };
        await CommitAsync(AgencyChangeKind.KeyRevoked, actor, [], keyId);
        return new(AgencyFailure.None, [], null, State.Keys[index].Info);
    }

    public async Task<AgencyKeyResult> RotateKeyAsync(string keyId, TimeSpan grace, string actor)
    {
        if (!State.Exists)
        {
            return AgencyKeyResult.Refused(AgencyFailure.NotFound, "code", "No agency is registered under this code.");
        }

        if (grace < TimeSpan.Zero || grace > AgencyRules.MaxRotationGrace)
        {
            return AgencyKeyResult.Refused(AgencyFailure.Invalid, "grace", $"The grace period is between 0 and {AgencyRules.MaxRotationGrace.TotalDays} days.");
        }

        var index = State.Keys.FindIndex(k => k.KeyId == keyId);
        if (index < 0)
        {
            return AgencyKeyResult.Refused(AgencyFailure.KeyNotFound, "keyId", "The agency holds no key with this ID.");
        }

        var now = time.GetUtcNow();
        var old = State.Keys[index];
        if (old.RevokedAt is not null)
        {
            return AgencyKeyResult.Refused(AgencyFailure.KeyConflict, "keyId", "The key is revoked or already being rotated; issue a new key instead.");
        }

        // No limit check: the new key takes the old one's place (a key scheduled for revocation does not count).
        var newKeyId = NewKeyId();
        var plaintext = AgencyKeys.NewKey(Code, newKeyId);
        State.Keys[index] = old with { RevokedAt = now + grace, RevokedBy = actor };
        State.Keys.Add(new StoredAgencyKey(newKeyId, AgencyKeys.Hash(plaintext), now, actor, null, null));
        State.History.Add(Change(grace == TimeSpan.Zero ? AgencyChangeKind.KeyRevoked : AgencyChangeKind.KeyRevocationScheduled, now, actor, [], keyId));
        await CommitAsync(AgencyChangeKind.KeyIssued, actor, [], newKeyId);
        return new(AgencyFailure.None, [], new IssuedAgencyKey(State.Keys[^1].Info, plaintext), State.Keys[index].Info);
    }

    public Task<AgencyCredentials> GetCredentialsAsync()
    {
        var now = time.GetUtcNow();
        var keys = State.Keys.Where(k => k.IsActiveAt(now)).Select(k => new AgencyKeyHash(k.KeyId, k.Sha256, k.RevokedAt)).ToList();
        return Task.FromResult(new AgencyCredentials(Policy(), keys, State.Revision));
    }

    private AgencyKeyResult? Refusal()
    {
        if (!State.Exists)
        {
            return AgencyKeyResult.Refused(AgencyFailure.NotFound, "code", "No agency is registered under this code.");
        }

        return State.Keys.Count(k => k.RevokedAt is null) >= MaxActiveKeys
            ? AgencyKeyResult.Refused(AgencyFailure.KeyConflict, "keys", $"An agency holds at most {MaxActiveKeys} active keys; revoke one first.")
            : null;
    }

    private string NewKeyId()
    {
        var keyId = AgencyKeys.NewKeyId();
        while (State.Keys.Exists(k => k.KeyId == keyId))
        {
            keyId = AgencyKeys.NewKeyId();
        }

        return keyId;
    }

    private async Task<StoredAgencyKey> AddKeyAsync(string keyId, byte[] sha256, string actor)
    {
        var key = new StoredAgencyKey(keyId, sha256, time.GetUtcNow(), actor, null, null);
        State.Keys.Add(key);
        await CommitAsync(AgencyChangeKind.KeyIssued, actor, [], keyId);
        return key;
    }

    private AgencyChange Change(AgencyChangeKind kind, DateTimeOffset at, string actor, IReadOnlyList<string> changed, string? keyId) =>
        new(State.Version, at, actor, kind, changed, keyId);

    private async Task CommitAsync(AgencyChangeKind kind, string actor, IReadOnlyList<string> changed, string? keyId)
    {
        State.Revision++;
        State.History.Add(Change(kind, time.GetUtcNow(), actor, changed, keyId));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory now holds a change storage did not take: drop the activation so the next call reloads what is durable.
            DeactivateOnIdle();
            throw;
        }

        await Catalog.RecordAsync(Code, State.Revision);
    }

    private AgencyPolicy? Policy() => State.Definition is { } definition ? new AgencyPolicy(Code, definition, State.Version, State.UpdatedAt) : null;

    private static List<string> ChangedMembers(AgencyDefinition? before, AgencyDefinition after)
    {
        if (before is null)
        {
            return ["name", "kind", "status", "fields", "purposes", "requiresConsent"];
        }

        var changed = new List<string>();
        if (before.Name != after.Name)
        {
            changed.Add("name");
        }

        if (before.Kind != after.Kind)
        {
            changed.Add("kind");
        }

        if (before.Status != after.Status)
        {
            changed.Add("status");
        }

        if (!before.Fields.SequenceEqual(after.Fields, StringComparer.Ordinal))
        {
            changed.Add("fields");
        }

        if (!before.Purposes.SequenceEqual(after.Purposes, StringComparer.Ordinal))
        {
            changed.Add("purposes");
        }

        if (before.RequiresConsent != after.RequiresConsent)
        {
            changed.Add("requiresConsent");
        }

        return changed;
    }
}
