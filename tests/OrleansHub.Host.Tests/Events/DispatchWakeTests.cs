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
    [Fact]
    public async Task AppendNoticeFromAnotherSilo_WakesThisSilosDispatcher()
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresAudit.CreateDatabaseAsync(postgres));
        var thisSilo = new DispatchSignal();
        using var listener = new FeedNotificationListener(dataSource, new FeedSignals(), thisSilo, NullLogger<FeedNotificationListener>.Instance);
        using var otherSilo = new PostgresAppendNotifier(dataSource, NullLogger<PostgresAppendNotifier>.Instance);
        await listener.StartAsync(default);
        await otherSilo.StartAsync(default);
        try
        {
            // The listener signals once when it has connected (it may have missed notices before); wait that out first.
            await thisSilo.NextAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var woken = thisSilo.NextAsync();
            await Task.Delay(200);
            Assert.False(woken.IsCompleted, "woken with nothing appended");

            otherSilo.Appended();

            await woken.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await otherSilo.StopAsync(default);
            await listener.StopAsync(default);
        }
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
}
