using Npgsql;
using OrleansHub.Abstractions.Events;
using OrleansHub.Host.Events;
using OrleansHub.Host.Tests.Audit;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using T = OrleansHub.Abstractions.Events.CitizenEventTypes;

namespace OrleansHub.Host.Tests.Events;

/// <summary>The citizen event log on a real PostgreSQL database (one fresh database per test).</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class PostgresCitizenEventLogTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);

    private static CitizenEvent Event(string citizenId, long sequence, string type = T.ResidenceChanged, params string[] fields) =>
        new(Guid.CreateVersion7(), citizenId, sequence, type, At.AddSeconds(sequence), sequence + 1, fields.Length > 0 ? fields : ["currentResidence"]);

    private async Task<(NpgsqlDataSource DataSource, PostgresCitizenEventLog Log)> NewLogAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await PostgresAudit.CreateDatabaseAsync(postgres));
        return (dataSource, new PostgresCitizenEventLog(dataSource));
    }

    [Fact]
    public async Task AppendThenRead_ReturnsEveryEventAsAppended_PagingOnWithTheCursor()
    {
        var (dataSource, log) = await NewLogAsync();
        await using var _ = dataSource;
        var citizen = TestIds.NewCitizen();
        var events = new[] { Event(citizen, 1, T.ResidenceChanged, "currentResidence", "residenceProvince"), Event(citizen, 2, T.DeathRecorded, "dateOfDeath"), Event(citizen, 3, T.CardRevoked, "cardStatus") };
        await log.AppendAsync(events, default);

        await log.ReadAtLeastAsync(3);
        var first = await log.ReadAsync(EventCursor.Start, 2, type: null, default);
        var rest = await log.ReadAsync(first[^1].Cursor, 10, type: null, default);

        Assert.Equal(events, [.. first.Concat(rest).Select(e => e.Event)], new CitizenEventComparer());
        Assert.Empty(await log.ReadAsync(rest[^1].Cursor, 10, type: null, default));
    }

    [Fact]
    public async Task Append_SameEventsAgain_AddsNothing()
    {
        var (dataSource, log) = await NewLogAsync();
        await using var _ = dataSource;
        var citizen = TestIds.NewCitizen();
        var events = new[] { Event(citizen, 1), Event(citizen, 2) };

        await log.AppendAsync(events, default);
        await log.AppendAsync(events, default);
        await log.AppendAsync([events[1], Event(citizen, 3)], default);

        Assert.Equal([1L, 2L, 3L], (await log.ReadAtLeastAsync(3)).Select(e => e.Event.Sequence));
    }

    [Fact]
    public async Task Read_OfOneType_SkipsTheOthers()
    {
        var (dataSource, log) = await NewLogAsync();
        await using var _ = dataSource;
        var citizen = TestIds.NewCitizen();
        await log.AppendAsync([Event(citizen, 1, T.ResidenceChanged), Event(citizen, 2, T.DeathRecorded, "dateOfDeath")], default);

        await log.ReadAtLeastAsync(2);
        var deaths = await log.ReadAsync(EventCursor.Start, 10, T.DeathRecorded, default);

        Assert.Equal([2L], deaths.Select(e => e.Event.Sequence));
    }

    [Fact]
    public async Task Read_WhileAnEarlierAppendIsUncommitted_WaitsForIt_SoTheCursorNeverSkipsAnEvent()
    {
        var (dataSource, log) = await NewLogAsync();
        await using var _ = dataSource;
        var (slow, fast) = (Event(TestIds.NewCitizen(), 1), Event(TestIds.NewCitizen(), 1));

        // The slow append takes the lower position and is still open when the fast one commits.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO citizen_events (event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields) VALUES (@id, @citizen, 1, @type, now(), 2, ARRAY['currentResidence'])",
            connection, transaction))
        {
            insert.Parameters.AddWithValue("id", slow.Id);
            insert.Parameters.AddWithValue("citizen", slow.CitizenId);
            insert.Parameters.AddWithValue("type", slow.Type);
            await insert.ExecuteNonQueryAsync();
        }

        await log.AppendAsync([fast], default);

        Assert.Empty(await log.ReadAsync(EventCursor.Start, 10, null, default));

        await transaction.CommitAsync();
        var both = await log.ReadAtLeastAsync(2);
        Assert.Equal([slow.Id, fast.Id], both.Select(e => e.Event.Id));
    }

    /// <summary>Events are equal when every member is; the list of changed fields is compared by content.</summary>
    private sealed class CitizenEventComparer : IEqualityComparer<CitizenEvent>
    {
        public bool Equals(CitizenEvent? x, CitizenEvent? y) =>
            x is not null && y is not null && x with { ChangedFields = [] } == y with { ChangedFields = [] } && x.ChangedFields.SequenceEqual(y.ChangedFields);

        public int GetHashCode(CitizenEvent obj) => obj.Id.GetHashCode();
    }
}
