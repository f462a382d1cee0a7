using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Cards;
using OrleansHub.Grains.Citizens;
using OrleansHub.Grains.Events;

namespace OrleansHub.Grains.Registry;

/// <summary>
/// The registry storage of embedded mode and the grain tests: states as serialized bytes in memory, and each write's
/// pending rows put into the in-memory event log, history and expiry index before its state, so a write whose rows are
/// refused stores nothing. Same rules as on PostgreSQL: an ETag per state, the state size limit, one writer per grain.
/// </summary>
public sealed class InMemoryRegistryStorage(IGrainStorageSerializer serializer, ICitizenEventSink events, ICardExpiryIndex expiries, InMemoryRegistryTables tables)
    : IGrainStorage, ICitizenArchive
{
    private readonly Lock _lock = tables.Lock;
    private readonly Dictionary<string, (BinaryData Payload, int Version)> _states = tables.States;
    private readonly HashSet<string> _writing = tables.Writing;
    private readonly Dictionary<string, SortedList<long, ChangeEntry>> _history = tables.History;
    private readonly HashSet<(string CitizenId, Guid ConsentId)> _consentNotices = tables.ConsentNotices;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        (BinaryData Payload, int Version) stored;
        bool found;
        lock (_lock)
        {
            found = _states.TryGetValue(Key(stateName, grainId), out stored);
        }

        if (found)
        {
            grainState.State = serializer.Deserialize<T>(stored.Payload);
            grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var payload = serializer.Serialize(grainState.State);
        if (payload.ToMemory().Length > RegistryLimits.MaxStateBytes)
        {
            throw RegistryLimits.TooLarge(stateName, payload.ToMemory().Length);
        }

        int version;
        lock (_lock)
        {
            var current = _states.TryGetValue(key, out var stored) ? stored.Version.ToString(CultureInfo.InvariantCulture) : null;
            if (current != grainState.ETag || !_writing.Add(key))
            {
                throw new InconsistentStateException($"The {stateName} state changed since it was read.", current, grainState.ETag);
            }

            version = (stored.Version) + 1;
        }

        try
        {
            if (grainState.State is IStateWithRows { Pending: { IsEmpty: false } pending })
            {
                await WriteRowsAsync(grainId.Key.ToString()!, pending);
            }

            lock (_lock)
            {
                _states[key] = (payload, version);
            }
        }
        finally
        {
            lock (_lock)
            {
                _writing.Remove(key);
            }
        }

        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_lock)
        {
            var key = Key(stateName, grainId);
            var current = _states.TryGetValue(key, out var stored) ? stored.Version.ToString(CultureInfo.InvariantCulture) : null;
            if (current != grainState.ETag)
            {
                throw new InconsistentStateException($"The {stateName} state changed since it was read.", current, grainState.ETag);
            }

            _states.Remove(key);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ChangeEntry>> ReadHistoryAsync(string citizenId, long? beforeVersion, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<ChangeEntry> page = _history.TryGetValue(citizenId, out var entries)
                ? [.. entries.Values.Where(e => beforeVersion is null || e.Version < beforeVersion).Reverse().Take(limit)]
                : [];
            return Task.FromResult(page);
        }
    }

    public Task<bool> ConsentRevocationToldAsync(string citizenId, Guid consentId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_consentNotices.Contains((citizenId, consentId)));
        }
    }

    private async Task WriteRowsAsync(string owner, PendingRows pending)
    {
        // The event log first: it is the only part that can refuse (a test's failing log), and then nothing else is kept.
        var logged = pending.LegacyOutbox.Concat(pending.Events).OrderBy(e => e.Sequence).ToList();
        if (logged.Count > 0)
        {
            await events.AppendAsync(logged, CancellationToken.None);
        }

        foreach (var card in pending.CardExpiries)
        {
            await expiries.RecordAsync(card, CancellationToken.None);
        }

        lock (_lock)
        {
            if (pending.History.Count > 0)
            {
                if (!_history.TryGetValue(owner, out var entries))
                {
                    _history[owner] = entries = [];
                }

                foreach (var entry in pending.History)
                {
                    entries[entry.Version] = entry;
                }
            }

            foreach (var consentId in pending.ConsentNotices)
            {
                _consentNotices.Add((owner, consentId));
            }
        }
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
}

/// <summary>
/// What <see cref="InMemoryRegistryStorage"/> holds. One per process in embedded mode; the grain tests share one between
/// the silos of their in-process cluster, so a grain re-activated on the other silo finds its state.
/// </summary>
public sealed class InMemoryRegistryTables
{
    internal Lock Lock { get; } = new();

    internal Dictionary<string, (BinaryData Payload, int Version)> States { get; } = new(StringComparer.Ordinal);

    internal HashSet<string> Writing { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, SortedList<long, ChangeEntry>> History { get; } = new(StringComparer.Ordinal);

    internal HashSet<(string CitizenId, Guid ConsentId)> ConsentNotices { get; } = [];
}

/// <summary>Registers <see cref="InMemoryRegistryStorage"/> as the registry storage provider and the citizen archive.</summary>
public static class InMemoryRegistryStorageExtensions
{
    /// <summary>Adds the in-memory registry storage, over <paramref name="tables"/> when given (shared between silos of one process).</summary>
    public static ISiloBuilder AddInMemoryRegistryStorage(this ISiloBuilder silo, InMemoryRegistryTables? tables = null)
    {
        silo.Services.AddInMemoryRegistryStorage(tables);
        return silo;
    }

    /// <inheritdoc cref="AddInMemoryRegistryStorage(ISiloBuilder, InMemoryRegistryTables?)"/>
    public static IServiceCollection AddInMemoryRegistryStorage(this IServiceCollection services, InMemoryRegistryTables? tables = null)
    {
        services.AddSingleton(tables ?? new InMemoryRegistryTables());
        services.AddSingleton<InMemoryRegistryStorage>();
        services.AddSingleton<ICitizenArchive>(sp => sp.GetRequiredService<InMemoryRegistryStorage>());
        services.AddGrainStorage(GrainStorageNames.Registry, (sp, _) => sp.GetRequiredService<InMemoryRegistryStorage>());
        return services;
    }
}
