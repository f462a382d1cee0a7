using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Citizens;

/// <summary>Holds one citizen's record; every accepted change bumps the version and is persisted before it is acknowledged.</summary>
public sealed class CitizenGrain(
    [PersistentState("citizen", GrainStorageNames.Registry)] IPersistentState<CitizenState> state,
    [FromKeyedServices(HubClock.Key)] TimeProvider time) : Grain, ICitizenGrain
{
    private PersonalId Id => PersonalId.Parse(this.GetPrimaryKeyString());

    public Task<CitizenRecord?> GetAsync() => Task.FromResult(Snapshot());

    public async Task<CitizenWriteResult> WriteIdentityAsync(CitizenIdentity identity, long? expectedVersion)
    {
        if (expectedVersion is { } expected && expected != state.State.Version)
        {
            return CitizenWriteResult.Stale(Snapshot());
        }

        var now = time.GetUtcNow();
        var errors = CitizenValidator.Validate(Id, identity, DateOnly.FromDateTime(now.UtcDateTime));
        if (errors.Count > 0)
        {
            return CitizenWriteResult.Rejected(errors);
        }

        // Re-sending the record as stored is not a change: no new version, nothing written.
        if (identity == state.State.Identity)
        {
            return CitizenWriteResult.Applied(Snapshot()!, changed: false);
        }

        state.State.Identity = identity;
        state.State.Version++;
        state.State.UpdatedAt = now;
        await state.WriteStateAsync();
        return CitizenWriteResult.Applied(Snapshot()!, changed: true);
    }

    private CitizenRecord? Snapshot() => state.State.Identity is { } identity
        ? new CitizenRecord(Id, identity, state.State.Version, state.State.UpdatedAt)
        : null;
}
