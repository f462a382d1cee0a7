using System.Net;
using Npgsql;
using OrleansHub.Host.Events;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Events;

/// <summary>
/// A change and its event are one write: with the event log refusing inserts, the change is refused too (503, nothing of
/// it kept, no event without its change and no change without its event); the silo is then killed, and a new silo takes
/// the change again with its event, numbered in order after the citizen's earlier ones.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class EventDurabilityTests(PostgresServer postgres)
{
    [Fact]
    public async Task ChangeWhileTheLogRefused_IsRefusedWhole_SiloKilled_NextSiloTakesItWithItsEventInOrder()
    {
        var database = await postgres.CreateDatabaseAsync();
        var id = TestIds.NewCitizen();
        await using var dataSource = NpgsqlDataSource.Create(database);

        await using (var first = await HubProcess.StartAsync(database, $"events-{Guid.NewGuid():N}"))
        {
            Assert.Equal(HttpStatusCode.Created, (await first.Client.PutCitizenAsync(id, "Lý Thường Kiệt", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
            await ExecuteAsync(dataSource, """
                CREATE FUNCTION test_refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'event log offline (test)'; END $$;
                CREATE TRIGGER test_refuse_events BEFORE INSERT ON citizen_events FOR EACH STATEMENT EXECUTE FUNCTION test_refuse_events();
                """);

            var refused = await first.Client.PatchCitizenAsync(id, new { currentResidence = "Số 1 phố Lý Thường Kiệt, Hà Nội" });

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            first.Kill();
        }

        await ExecuteAsync(dataSource, "DROP TRIGGER test_refuse_events ON citizen_events;");
        var log = new PostgresCitizenEventLog(dataSource);
        Assert.Empty(await log.ReadAsync(EventCursor.Start, 10, null, default));

        await using var second = await HubProcess.StartAsync(database, $"events-{Guid.NewGuid():N}");
        var record = await (await second.Client.GetAsync($"/admin/citizens/{id}")).ReadJsonAsync();
        Assert.Equal(1, record.GetProperty("version").GetInt32());
        Assert.False(record.GetProperty("fields").TryGetProperty("currentResidence", out _));
        Assert.Equal(HttpStatusCode.OK, (await second.Client.PatchCitizenAsync(id, new { currentResidence = "Số 1 phố Lý Thường Kiệt, Hà Nội" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.PatchCitizenAsync(id, new { maritalStatus = "married" })).StatusCode);

        var events = await log.ReadAtLeastAsync(2);
        Assert.Equal(
            [(1L, "vn.orleanshub.citizen.residence-changed.v1"), (2L, "vn.orleanshub.citizen.civil-status-changed.v1")],
            events.Select(e => (e.Event.Sequence, e.Event.Type)));
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
