using Npgsql;
using OrleansHub.Abstractions.Events;
using OrleansHub.Host.Events;
using OrleansHub.Host.Events.Feeds;
using OrleansHub.Host.Tests.Audit;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using T = OrleansHub.Abstractions.Events.CitizenEventTypes;

namespace OrleansHub.Host.Tests.Events;

/// <summary>Subscriptions, fan-out and retention of the agency feeds on a real PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class PostgresAgencyFeedTests(PostgresServer postgres) : IAsyncLifetime
{
    private const int Cap = 1_000;

    private NpgsqlDataSource _dataSource = null!;
    private PostgresCitizenEventLog _log = null!;
    private PostgresSubscriptionStore _subscriptions = null!;
    private PostgresAgencyFeedStore _feeds = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await PostgresAudit.CreateDatabaseAsync(postgres));
        (_log, _subscriptions, _feeds) = (new(_dataSource), new(_dataSource), new(_dataSource));
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private static CitizenEvent Event(string citizenId, long sequence, string type) =>
        new(Guid.CreateVersion7(), citizenId, sequence, type, DateTimeOffset.UtcNow, sequence + 1, ["dateOfDeath"]);

    /// <summary>Dispatches until <paramref name="events"/> went out (the log shows an append once no older transaction runs).</summary>
    private async Task<DispatchResult> DispatchAllAsync(int events)
    {
        var (dispatched, grown) = (new List<LoggedEvent>(), new HashSet<string>());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var done = (await _feeds.DispatchNextAsync(100, default))!;
            dispatched.AddRange(done.Dispatched);
            grown.UnionWith(done.GrownFeeds);
            if (dispatched.Count >= events || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return new DispatchResult(done.Checkpoint, dispatched, grown);
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Dispatch_FansEachEventOutToItsFollowers_OnceEach_AndAgainChangesNothing()
    {
        var (followed, other) = (TestIds.NewCitizen(), TestIds.NewCitizen());
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(SubscribeOutcome.Created, await _subscriptions.SubscribeAsync(new CitizenSubscription("BANK", followed, "kyc-refresh", [], now), Cap, default));
        Assert.Equal(SubscribeOutcome.Replaced,
            await _subscriptions.SubscribeAsync(new CitizenSubscription("BANK", followed, "kyc-refresh", [T.DeathRecorded, T.ResidenceChanged], now), Cap, default));
        await _subscriptions.SubscribeAsync(new CitizenSubscription("PENSION", followed, "benefit-eligibility", [], now), Cap, default);
        await _subscriptions.SubscribeAsync(new PopulationSubscription("PENSION", T.DeathRecorded, "benefit-eligibility", now), default);
        await _log.AppendAsync([Event(followed, 1, T.NameCorrected), Event(followed, 2, T.DeathRecorded)], default);
        await _log.AppendAsync([Event(other, 1, T.DeathRecorded)], default);

        var result = await DispatchAllAsync(3);
        var again = await _feeds.DispatchNextAsync(100, default);

        Assert.Equal(["BANK", "PENSION"], result.GrownFeeds.Order());
        Assert.Equal(3, result.Dispatched.Count);
        Assert.Empty(again!.Dispatched);
        Assert.Equal(result.Checkpoint, again.Checkpoint);
        var bank = (await _feeds.ReadAsync("BANK", 0, 10, default)).Items;
        Assert.Equal([(followed, T.DeathRecorded)], bank.Select(i => (i.Event.CitizenId, i.Event.Type)));   // its subscription now wants deaths and moves only
        var pension = (await _feeds.ReadAsync("PENSION", 0, 10, default)).Items;
        Assert.Equal([(followed, T.NameCorrected), (followed, T.DeathRecorded), (other, T.DeathRecorded)], pension.Select(i => (i.Event.CitizenId, i.Event.Type)));
        Assert.True(pension.Zip(pension.Skip(1)).All(p => p.First.Position < p.Second.Position));
        Assert.Equal(["benefit-eligibility"], pension.Select(i => i.Purpose).Distinct());
        Assert.Empty((await _feeds.ReadAsync("PENSION", pension[^1].Position, 10, default)).Items);
    }

    [Fact]
    public async Task Dispatch_WhileAnotherSiloHoldsTheTurn_DoesNothing()
    {
        var citizen = TestIds.NewCitizen();
        await _subscriptions.SubscribeAsync(new CitizenSubscription("BANK", citizen, "kyc-refresh", [], DateTimeOffset.UtcNow), Cap, default);
        await _log.AppendAsync([Event(citizen, 1, T.DeathRecorded)], default);
        await _log.ReadAtLeastAsync(1);

        await using (var other = await _dataSource.OpenConnectionAsync())
        await using (var turn = await other.BeginTransactionAsync())
        {
            // The dispatch lock key: "OHEVENTS" as a 64-bit number.
            await using var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(5712892364151739475)", other, turn);
            await take.ExecuteNonQueryAsync();

            Assert.Null(await _feeds.DispatchNextAsync(100, default));
        }

        Assert.Single((await DispatchAllAsync(1)).Dispatched);
        Assert.Single((await _feeds.ReadAsync("BANK", 0, 10, default)).Items);
    }

    [Fact]
    public async Task Read_BeforeWhatRetentionKept_IsExpiredWithTheOldestCursor()
    {
        var citizen = TestIds.NewCitizen();
        await _subscriptions.SubscribeAsync(new CitizenSubscription("BANK", citizen, "kyc-refresh", [], DateTimeOffset.UtcNow), Cap, default);
        await _log.AppendAsync([Event(citizen, 1, T.DeathRecorded), Event(citizen, 2, T.CardRevoked)], default);
        await DispatchAllAsync(2);
        var items = (await _feeds.ReadAsync("BANK", 0, 10, default)).Items;

        Assert.Equal(2, await _feeds.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), default));

        var page = await _feeds.ReadAsync("BANK", 0, 10, default);
        Assert.True(page.Expired);
        Assert.Equal(items[^1].Position, page.OldestAvailable);
        Assert.False((await _feeds.ReadAsync("BANK", items[^1].Position, 10, default)).Expired);
    }
}
