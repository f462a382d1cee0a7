using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansHub.Host.Events;
using OrleansHub.Host.Events.Feeds;
using OrleansHub.Host.Tests.Audit;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Events;

/// <summary>
/// An append on one silo wakes the event dispatcher of another through PostgreSQL NOTIFY, so events need not wait for the
/// dispatcher's poll (which stays as a backstop).
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class DispatchWakeTests(PostgresServer postgres)
{
    private static readonly SiloAddress ThisSilo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress OtherSilo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public async Task AppendNoticeFromAnotherSilo_WakesThisSilosDispatcher()
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresAudit.CreateDatabaseAsync(postgres));
        var cluster = new Membership(ThisSilo, OtherSilo);
        var thisSilo = new DispatchSignal();
        using var listener = Listener(dataSource, thisSilo, cluster, ThisSilo);
        using var otherSilo = Notifier(dataSource, cluster, OtherSilo);
        await using var running = await Running.StartAsync(listener, otherSilo);
        await WaitOutTheConnectSignalAsync(thisSilo);
        var woken = thisSilo.NextAsync();
        await Task.Delay(200);
        Assert.False(woken.IsCompleted, "woken with nothing appended");

        otherSilo.Appended();

        await woken.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AppendNotice_OfThisSilo_ReachesTheOthersButDoesNotWakeThisSilosDispatcherAgain()
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresAudit.CreateDatabaseAsync(postgres));
        var cluster = new Membership(ThisSilo, OtherSilo);
        var thisSilo = new DispatchSignal();
        using var listener = Listener(dataSource, thisSilo, cluster, ThisSilo);
        using var notifier = Notifier(dataSource, cluster, ThisSilo);
        await using var otherSilo = await ListenAsync(dataSource);
        await using var running = await Running.StartAsync(listener, notifier);
        await WaitOutTheConnectSignalAsync(thisSilo);
        var woken = thisSilo.NextAsync();

        notifier.Appended();

        Assert.Equal(ThisSilo.ToParsableString(), await otherSilo.NextPayloadAsync());
        // Both listeners were sent the notice in the same instant; give this silo's time to (wrongly) act on it.
        await Task.Delay(500);
        Assert.False(woken.IsCompleted, "this silo's dispatcher was woken by its own notice");
    }

    [Fact]
    public async Task AppendNotice_OfASiloAloneInTheCluster_IsNotSent()
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresAudit.CreateDatabaseAsync(postgres));
        var alone = new Membership(ThisSilo);
        using var notifier = Notifier(dataSource, alone, ThisSilo);
        await using var observer = await ListenAsync(dataSource);
        await using var running = await Running.StartAsync(notifier);
        notifier.Appended();
        await Task.Delay(500);
        alone.Join(OtherSilo);
        notifier.Appended();

        Assert.Equal(ThisSilo.ToParsableString(), await observer.NextPayloadAsync());
        // Had the first notice been sent, it would have been read by now or be waiting to be read.
        observer.ReadWaiting(TimeSpan.FromMilliseconds(300));
        Assert.Equal(1, observer.Received);
    }

    [Fact]
    public async Task Listener_Stopped_LeavesItsPooledConnectionListeningToNothing()
    {
        // The hub's pool does not reset connections on return (no DISCARD ALL), so the listener must unlisten itself.
        var database = await PostgresAudit.CreateDatabaseAsync(postgres);
        var builder = new NpgsqlDataSourceBuilder(database);
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.ConnectionStringBuilder.MaxPoolSize = 1; // the next connection is the listener's, if it went back to the pool
        await using var dataSource = builder.Build();
        await using var observer = NpgsqlDataSource.Create(database);
        var thisSilo = new DispatchSignal();
        using var listener = Listener(dataSource, thisSilo, new Membership(ThisSilo), ThisSilo);
        await listener.StartAsync(default);
        await WaitOutTheConnectSignalAsync(thisSilo);
        await using var find = observer.CreateCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'");
        var listening = (int)(await find.ExecuteScalarAsync())!;

        await listener.StopAsync(default);

        await using var next = await dataSource.OpenConnectionAsync();
        Assert.Equal(listening, next.ProcessID);
        await using var channels = new NpgsqlCommand("SELECT count(*) FROM pg_listening_channels()", next);
        Assert.Equal(0L, await channels.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Signal_AfterTheTaskWasTaken_CompletesIt_AndTheNextTaskWaitsForTheNextSignal()
    {
        var signal = new DispatchSignal();
        var first = signal.NextAsync();

        signal.Signal();

        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(signal.NextAsync().IsCompleted);
    }

    private static FeedNotificationListener Listener(NpgsqlDataSource dataSource, DispatchSignal logGrew, Membership cluster, SiloAddress silo) =>
        new(dataSource, new FeedSignals(), logGrew, Notifier(dataSource, cluster, silo), NullLogger<FeedNotificationListener>.Instance);

    private static PostgresAppendNotifier Notifier(NpgsqlDataSource dataSource, Membership cluster, SiloAddress silo) =>
        new(dataSource, cluster, new LocalSilo(silo), NullLogger<PostgresAppendNotifier>.Instance);

    /// <summary>The listener signals once when it has connected (it may have missed notices before).</summary>
    private static Task WaitOutTheConnectSignalAsync(DispatchSignal signal) => signal.NextAsync().WaitAsync(TimeSpan.FromSeconds(30));

    private static async Task<Observer> ListenAsync(NpgsqlDataSource dataSource)
    {
        var connection = await dataSource.OpenConnectionAsync();
        var observer = new Observer(connection);
        await using var listen = new NpgsqlCommand($"LISTEN {PostgresAppendNotifier.Channel}", connection);
        await listen.ExecuteNonQueryAsync();
        return observer;
    }

    /// <summary>Background services started for a test, stopped in reverse order when it ends.</summary>
    private sealed class Running(IHostedService[] services) : IAsyncDisposable
    {
        public static async Task<Running> StartAsync(params IHostedService[] services)
        {
            foreach (var service in services)
            {
                await service.StartAsync(default);
            }

            return new Running(services);
        }

        public async ValueTask DisposeAsync()
        {
            for (var i = services.Length - 1; i >= 0; i--)
            {
                await services[i].StopAsync(default);
            }
        }
    }

    /// <summary>A plain LISTEN on the append channel: what another silo's listener would hear.</summary>
    private sealed class Observer : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly System.Threading.Channels.Channel<string> _payloads = System.Threading.Channels.Channel.CreateUnbounded<string>();

        public Observer(NpgsqlConnection connection)
        {
            _connection = connection;
            connection.Notification += (_, notice) =>
            {
                Received++;
                _payloads.Writer.TryWrite(notice.Payload);
            };
        }

        public int Received { get; private set; }

        public async Task<string> NextPayloadAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!_payloads.Reader.TryPeek(out _))
            {
                await _connection.WaitAsync(deadline.Token);
            }

            return await _payloads.Reader.ReadAsync();
        }

        /// <summary>Reads whatever notices arrive within <paramref name="wait"/>.</summary>
        public void ReadWaiting(TimeSpan wait)
        {
            while (_connection.Wait(wait))
            {
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }

    /// <summary>A cluster whose members are set by the test, every one active.</summary>
    private sealed class Membership(params SiloAddress[] members) : IClusterMembershipService
    {
        private ImmutableDictionary<SiloAddress, ClusterMember> _members =
            members.ToImmutableDictionary(m => m, m => new ClusterMember(m, SiloStatus.Active, m.ToString()));

        public ClusterMembershipSnapshot CurrentSnapshot => new(_members, new MembershipVersion(_members.Count));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public void Join(SiloAddress silo) => _members = _members.Add(silo, new ClusterMember(silo, SiloStatus.Active, silo.ToString()));

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();
    }

    private sealed class LocalSilo(SiloAddress address) : ILocalSiloDetails
    {
        public string Name => "test";
        public string ClusterId => "test";
        public string DnsHostName => "localhost";
        public SiloAddress SiloAddress => address;
        public SiloAddress GatewayAddress => address;
    }
}
