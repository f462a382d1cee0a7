using OrleansHub.Abstractions.Agencies;

namespace OrleansHub.Grains.Agencies;

/// <summary>What the agency catalog persists: each agency's latest revision and the catalog generation it was recorded at.</summary>
[GenerateSerializer, Alias("hub.AgencyCatalogState")]
public sealed class AgencyCatalogState
{
    /// <summary>Increases with every recorded change, so a poller can ask only for what changed since it last asked.</summary>
    [Id(0)] public long Generation { get; set; }

    [Id(1)] public Dictionary<string, AgencyCatalogItem> Agencies { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One agency's latest revision, and the catalog generation at which it was recorded.</summary>
[GenerateSerializer, Immutable, Alias("hub.AgencyCatalogItem")]
public sealed record AgencyCatalogItem([property: Id(0)] long Revision, [property: Id(1)] long Generation);

/// <summary>
/// The one list of every agency. It is written once per agency change and read once per refresh interval by each silo,
/// so its single activation is never a bottleneck; no agency request waits on it. Each recorded change is also pushed to every
/// silo at once.
/// </summary>
public sealed class AgencyCatalogGrain(
    [PersistentState("agency-catalog", GrainStorageNames.Directory)] IPersistentState<AgencyCatalogState> state,
    AgencyChangeBroadcaster broadcaster) : Grain, IAgencyCatalogGrain
{
    public async Task RecordAsync(string code, long revision)
    {
        if (state.State.Agencies.TryGetValue(code, out var known) && known.Revision >= revision)
        {
            return;
        }

        state.State.Generation++;
        state.State.Agencies[code] = new AgencyCatalogItem(revision, state.State.Generation);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        broadcaster.Broadcast(code, revision);
    }

    public Task<AgencyCatalogChanges> GetChangesAsync(long afterGeneration)
    {
        // A poller ahead of the catalog saw a catalog that has since lost its state: it gets everything again.
        var since = afterGeneration > state.State.Generation ? 0 : afterGeneration;
        var changed = state.State.Agencies
            .Where(a => a.Value.Generation > since)
            .Select(a => new AgencyCatalogEntry(a.Key, a.Value.Revision))
            .ToList();
        return Task.FromResult(new AgencyCatalogChanges(state.State.Generation, changed));
    }

    public Task<IReadOnlyList<string>> ListCodesAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Agencies.Keys.Order(StringComparer.Ordinal)]);
}
