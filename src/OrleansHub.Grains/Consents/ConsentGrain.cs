using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Consents;
using OrleansHub.Abstractions.Events;

namespace OrleansHub.Grains.Consents;

/// <summary>One citizen's consents. Keyed by the citizen's ID number; a grant or revocation is stored before it is acknowledged.</summary>
public sealed class ConsentGrain(
    [PersistentState("consents", GrainStorageNames.Directory)] IPersistentState<ConsentState> state,
    [FromKeyedServices(HubClock.Key)] TimeProvider time) : Grain, IConsentGrain
{
    /// <summary>Consents are kept for the record after they expire or are revoked; this bounds what one citizen can make the hub store.</summary>
    public const int MaxConsents = 1_000;

    private List<StoredConsent> Consents => state.State.Consents;

    public async Task<ConsentGrantResult> GrantAsync(ConsentGrant grant)
    {
        var now = time.GetUtcNow();
        var errors = ConsentRules.Validate(grant, now);
        if (errors.Count == 0 && Consents.Count >= MaxConsents)
        {
            errors = [new FieldError("consents", $"A citizen can hold at most {MaxConsents.ToString("N0", CultureInfo.InvariantCulture)} consents.")];
        }

        if (errors.Count > 0)
        {
            return new ConsentGrantResult(null, errors);
        }

        // Copied so the stored consent cannot change through a list the caller still holds (in-silo calls pass references).
        var consent = new StoredConsent(Guid.NewGuid(), grant with { Fields = [.. grant.Fields] }, now, RevokedAt: null);
        Consents.Add(consent);
        await WriteOrUndoAsync(() => Consents.Remove(consent));
        return new ConsentGrantResult(ConsentDecisions.ToRecord(consent, now), []);
    }

    public async Task<ConsentRecord?> RevokeAsync(Guid consentId)
    {
        var now = time.GetUtcNow();
        var index = Consents.FindIndex(c => c.Id == consentId);
        if (index < 0)
        {
            return null;
        }

        var consent = Consents[index];
        if (consent.RevokedAt is null)
        {
            var revoked = consent with { RevokedAt = now };
            Consents[index] = revoked;
            await WriteOrUndoAsync(() => Consents[index] = consent);
            consent = revoked;
        }

        // Also when it was already revoked: a client retrying after a failed answer gets the agency told (the citizen
        // grain adds the event once per consent).
        var grant = consent.Grant;
        await GrainFactory.GetGrain<ICitizenGrain>(this.GetPrimaryKeyString())
            .OnConsentRevokedAsync(new ConsentNotice(consent.Id, grant.AgencyCode, grant.Purpose), grant.Fields);
        return ConsentDecisions.ToRecord(consent, now);
    }

    public Task<IReadOnlyList<ConsentRecord>> ListAsync()
    {
        var now = time.GetUtcNow();
        IReadOnlyList<ConsentRecord> records = [.. Enumerable.Reverse(Consents).Select(c => ConsentDecisions.ToRecord(c, now))];
        return Task.FromResult(records);
    }

    public Task<ConsentDecision> EvaluateAsync(string agencyCode, string purpose, IReadOnlyList<string> fields) =>
        Task.FromResult(ConsentDecisions.Decide(Consents, agencyCode, purpose, fields, time.GetUtcNow()));

    // The stored state is the truth: a change that did not reach storage is taken back, and the activation
    // is dropped so the next call reads storage (and its current ETag) afresh.
    private async Task WriteOrUndoAsync(Action undo)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo();
            DeactivateOnIdle();
            throw;
        }
    }
}
