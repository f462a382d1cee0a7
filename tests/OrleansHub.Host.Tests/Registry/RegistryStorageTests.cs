using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Citizens;
using OrleansHub.Grains.Registry;
using OrleansHub.Host.Events;
using OrleansHub.Host.Registry;
using OrleansHub.Host.Telemetry;
using OrleansHub.Host.Tests.Audit;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Host.Tests.Registry;

/// <summary>
/// The group-committing registry storage on a real PostgreSQL database: writes queued together commit in one batch, a
/// conflict or a refused value fails only its own grain, and a write's history and events commit with its state.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class RegistryStorageTests(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private ServiceProvider _services = null!;
    private NpgsqlDataSource _dataSource = null!;
    private PostgresRegistryStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await PostgresAudit.CreateDatabaseAsync(postgres));
        _services = new ServiceCollection()
            .AddSerializer(s => s.AddAssembly(typeof(CitizenState).Assembly))
            .AddMetrics()
            .BuildServiceProvider();
        // One writer: a write held up by a row lock keeps every write queued behind it for the next batch, as one batch.
        _storage = new PostgresRegistryStorage(_dataSource, _services.GetRequiredService<Serializer>(),
            _services.GetRequiredService<IActivatorProvider>(), new EventLogGrowth(new DispatchSignal(), null, TimeProvider.System),
            new HubInstruments(_services.GetRequiredService<IMeterFactory>()), Options.Create(new RegistryStorageOptions { Writers = 1 }),
            NullLogger<PostgresRegistryStorage>.Instance);
    }

    public async Task DisposeAsync()
    {
        _storage.Dispose();
        await _services.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task Batch_WithOneStaleETag_FailsThatGrainAlone_AndCommitsTheOthers()
    {
        var ids = Enumerable.Range(0, 20).Select(_ => NewId()).Distinct().ToList();
        var states = ids.ToDictionary(id => id, id => Citizen(id, version: 1));
        await Task.WhenAll(ids.Select(id => _storage.WriteStateAsync(RegistryStateNames.Citizen, Grain(id), states[id])));
        var stale = ids[7];
        states[stale].ETag = "0"; // another activation wrote since this one read

        var batch = await InOneBatchAsync(ids, id => Change(states[id], id));

        var conflict = Assert.Single(batch, r => r.Failure is not null);
        Assert.Equal(stale, conflict.Id);
        Assert.IsType<InconsistentStateException>(conflict.Failure);
        Assert.All(ids.Where(id => id != stale), id => Assert.Equal("2", states[id].ETag));
        var keys = string.Join(',', ids.Select(i => long.Parse(i, null)));
        Assert.Equal(ids.Count - 1, await ScalarAsync<long>($"SELECT count(*) FROM citizen_history WHERE version = 2 AND citizen_id IN ({keys})"));
        Assert.Equal(ids.Count - 1, await ScalarAsync<long>($"SELECT count(*) FROM citizen_events WHERE record_version = 2 AND citizen_id::bigint IN ({keys})"));
        Assert.Equal(0, await ScalarAsync<long>($"SELECT count(*) FROM citizen_events WHERE citizen_id = '{stale}'"));
        Assert.Equal(1, await ScalarAsync<int>($"SELECT version FROM citizen_state WHERE citizen_id = {long.Parse(stale, null)}"));
    }

    [Fact]
    public async Task Batch_WithAValueTheDatabaseRefuses_FailsThatGrainAlone_AndCommitsTheOthers()
    {
        var ids = Enumerable.Range(0, 12).Select(_ => NewId()).Distinct().ToList();
        var bad = ids[5];

        // PostgreSQL text cannot hold NUL: the history row of this one write is refused, the batch is retried in halves.
        var batch = await InOneBatchAsync(ids, id => Citizen(id, version: 1, source: id == bad ? "registry\0" : "registry"));

        var refused = Assert.Single(batch, r => r.Failure is not null);
        Assert.Equal(bad, refused.Id);
        var error = Assert.IsType<RegistryStateRefusedException>(refused.Failure);
        Assert.Contains("nothing of it was written", error.Message, StringComparison.Ordinal);
        Assert.Equal(ids.Count - 1, await ScalarAsync<long>($"SELECT count(*) FROM citizen_state WHERE citizen_id = ANY (ARRAY[{string.Join(',', ids.Select(i => long.Parse(i, null)))}])"));
        Assert.Equal(0, await ScalarAsync<long>($"SELECT count(*) FROM citizen_state WHERE citizen_id = {long.Parse(bad, null)}"));
        Assert.Equal(0, await ScalarAsync<long>($"SELECT count(*) FROM citizen_history WHERE citizen_id = {long.Parse(bad, null)}"));
    }

    [Fact]
    public async Task OversizedState_IsRefusedForThatGrainAlone_WithTheLimitNamed()
    {
        var ids = Enumerable.Range(0, 6).Select(_ => NewId()).Distinct().ToList();
        var big = ids[2];

        var batch = await InOneBatchAsync(ids, id =>
        {
            var state = Citizen(id, version: 1);
            if (id == big)
            {
                state.State!.Fields[F.OtherNames] = new FieldValue(FieldInput.OfItems([.. Enumerable.Range(0, 700).Select(i => $"{new string('A', 95)}{i:D5}")]), "registry", At);
            }

            return state;
        });

        var refused = Assert.Single(batch, r => r.Failure is not null);
        Assert.Equal(big, refused.Id);
        Assert.Contains($"limit of {RegistryLimits.MaxStateBytes}", Assert.IsType<RegistryStateRefusedException>(refused.Failure).Message, StringComparison.Ordinal);
        Assert.Equal(ids.Count - 1, await ScalarAsync<long>($"SELECT count(*) FROM citizen_state WHERE citizen_id IN ({string.Join(',', ids.Select(i => long.Parse(i, null)))})"));
    }

    [Fact]
    public async Task Write_StateHistoryAndEvents_ReadBackAndPagedNewestFirst()
    {
        var id = NewId();
        var state = Citizen(id, version: 1);
        await _storage.WriteStateAsync(RegistryStateNames.Citizen, Grain(id), state);
        await _storage.WriteStateAsync(RegistryStateNames.Citizen, Grain(id), Change(state, id));

        var read = new GrainState<CitizenState>();
        await _storage.ReadStateAsync(RegistryStateNames.Citizen, Grain(id), read);
        var history = await _storage.ReadHistoryAsync(id, beforeVersion: null, limit: 10, default);

        Assert.Equal(("2", 2L, "Số 9 Lê Lợi, Huế"), (read.ETag, read.State!.Version, read.State.Text(F.CurrentResidence)));
        Assert.True(read.State.Pending.IsEmpty);
        Assert.Equal([(2L, ChangeKind.Updated), (1L, ChangeKind.Created)], history.Select(h => (h.Version, h.Kind)));
        Assert.Equal([F.CurrentResidence], history[0].Fields);
        Assert.Equal([(1L, ChangeKind.Created)], (await _storage.ReadHistoryAsync(id, 2, 10, default)).Select(h => (h.Version, h.Kind)));
        var notice = new ConsentNotice(Guid.NewGuid(), "MBB", "kyc-onboarding");
        Assert.False(await _storage.ConsentRevocationToldAsync(id, notice.ConsentId, default));
        read.State.Pending.ConsentNotices.Add(notice.ConsentId);
        await _storage.WriteStateAsync(RegistryStateNames.Citizen, Grain(id), read);
        Assert.True(await _storage.ConsentRevocationToldAsync(id, notice.ConsentId, default));
    }

    /// <summary>
    /// Queues one write per ID while a row lock holds the writer on an earlier write, so all of them are taken together as
    /// the next batch; returns each write's outcome.
    /// </summary>
    private async Task<IReadOnlyList<(string Id, Exception? Failure)>> InOneBatchAsync(IReadOnlyList<string> ids, Func<string, GrainState<CitizenState>> write)
    {
        var blocker = NewId();
        await _storage.WriteStateAsync(RegistryStateNames.Citizen, Grain(blocker), Citizen(blocker, version: 1));
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM citizen_state WHERE citizen_id = {long.Parse(blocker, null)} FOR UPDATE", connection, transaction))
        {
            await lockRow.ExecuteScalarAsync();
        }

        var held = _storage.WriteStateAsync(RegistryStateNames.Citizen, Grain(blocker), Change(Citizen(blocker, 1, etag: "1"), blocker));
        await Task.Delay(300); // the writer has taken the held write and waits on the lock
        var writes = ids.Select(id => (Id: id, Task: _storage.WriteStateAsync(RegistryStateNames.Citizen, Grain(id), write(id)))).ToList();
        await Task.Delay(200);
        await transaction.CommitAsync();
        await held;

        var outcomes = new List<(string, Exception?)>();
        foreach (var (id, task) in writes)
        {
            try
            {
                await task;
                outcomes.Add((id, null));
            }
            catch (Exception e)
            {
                outcomes.Add((id, e));
            }
        }

        return outcomes;
    }

    private static GrainState<CitizenState> Citizen(string id, long version, string source = "registry", string? etag = null)
    {
        var state = new CitizenState { Version = version, CreatedAt = At, UpdatedAt = At };
        state.Fields[F.FullName] = new FieldValue(FieldInput.Of("Lê Thị Hoa"), source, At);
        state.Fields[F.DateOfBirth] = new FieldValue(FieldInput.Of(TestIds.DateOfBirth), source, At);
        state.Fields[F.Sex] = new FieldValue(FieldInput.Of(TestIds.Sex), source, At);
        state.Pending.History.Add(new ChangeEntry(version, At, source, ChangeKind.Created, [F.DateOfBirth, F.FullName, F.Sex]));
        return new GrainState<CitizenState>(state, etag);
    }

    private static GrainState<CitizenState> Change(GrainState<CitizenState> grain, string id)
    {
        var state = grain.State!;
        state.Pending.Clear();
        state.Version++;
        state.Fields[F.CurrentResidence] = new FieldValue(FieldInput.Of("Số 9 Lê Lợi, Huế"), "registry", At);
        state.Pending.History.Add(new ChangeEntry(state.Version, At, "registry", ChangeKind.Updated, [F.CurrentResidence]));
        state.Pending.Events.Add(new CitizenEvent(Guid.CreateVersion7(), id, ++state.LastEventSequence, CitizenEventTypes.ResidenceChanged, At,
            state.Version, [F.CurrentResidence]));
        return grain;
    }

    private static GrainId Grain(string id) => GrainId.Create("citizen", id);

    private static string NewId() => TestIds.NewCitizen();

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
