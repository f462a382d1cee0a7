using System.Diagnostics;
using System.Net;
using Npgsql;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Registry;

/// <summary>
/// A database the previous release made (<c>Upgrade/previous-release.sql</c>, written by git 8dbe177 through its own HTTP
/// API with <c>Upgrade/make-previous-release-db.sh</c>) upgrades: every record, card and change is still there, each
/// record's history, event outbox and consent notices move out of its state when it activates (events already in the log
/// are not added twice, the one the log never took is), and the previous release's relay reminder removes itself.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class RegistryUpgradeTests(PostgresServer postgres)
{
    private const int Citizens = 20;

    [Fact]
    public async Task DatabaseOfThePreviousRelease_Upgrades_RecordsHistoryEventsAndCardsIntact_StateBounded()
    {
        var database = await postgres.CreateDatabaseAsync();
        await RestoreAsync(database);
        await using var dataSource = NpgsqlDataSource.Create(database);
        var legacyPayloadBytes = await ScalarAsync<long>(dataSource, "SELECT sum(length(payload)) FROM orleans_grain_state WHERE grain_type = 'citizen'");
        var legacyEvents = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM citizen_events");

        await using var hub = await HubProcess.StartAsync(database, $"upgrade-{Guid.NewGuid():N}");

        Assert.Equal(0, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM orleans_grain_state WHERE grain_type IN ('citizen', 'card')"));
        for (var i = 0; i < Citizens; i++)
        {
            var id = $"0011909000{i:D2}";
            var record = await (await hub.Client.GetAsync($"/admin/citizens/{id}")).ReadJsonAsync();
            var history = await (await hub.Client.GetAsync($"/admin/citizens/{id}/history?limit=100")).ReadJsonAsync();
            var versions = history.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("version").GetInt64()).ToList();
            var expected = i switch { 1 => 4, 3 => 4, < 5 => 3, _ => 1 }; // import, two changes, then a lost card (1) or a change the log refused (3)
            Assert.Equal(expected, record.GetProperty("version").GetInt64());
            Assert.Equal([.. Enumerable.Range(1, expected).Select(v => (long)v).Reverse()], versions);
            Assert.Equal("created", history.GetProperty("changes").EnumerateArray().Last().GetProperty("kind").GetString());
        }

        Assert.Equal("lost", (await (await hub.Client.GetAsync("/admin/cards/CC0900000001")).ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal("valid", (await (await hub.Client.GetAsync("/admin/cards/CC0900000007")).ReadJsonAsync()).GetProperty("status").GetString());

        // The one event the previous release's log never took (citizen 3's last change) is logged now, once; none is repeated.
        var events = await EventsAsync(dataSource);
        Assert.Equal(legacyEvents + 1, events.Count);
        Assert.Equal(events.Count, events.Select(e => (e.Citizen, e.Sequence)).Distinct().Count());
        Assert.Equal(("vn.orleanshub.citizen.record-changed.v1", 4L), events.Where(e => e.Citizen == "001190900003" && e.Sequence == 3).Select(e => (e.Type, e.RecordVersion)).Single());
        Assert.All(events.GroupBy(e => e.Citizen), g => Assert.Equal(Enumerable.Range(1, g.Count()).Select(s => (long)s), g.Select(e => e.Sequence).Order()));

        // Citizen 2's consent revocation was told before the upgrade: its notice moved to its table.
        Assert.Equal(1, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM citizen_consent_notices WHERE citizen_id = 1190900002"));

        // The states no longer carry history or outbox: smaller than the previous release's, and a change adds nothing to them.
        var upgradedBytes = await ScalarAsync<long>(dataSource, "SELECT sum(length(payload)) FROM citizen_state");
        Assert.True(upgradedBytes < legacyPayloadBytes, $"{upgradedBytes} bytes of state after the upgrade, {legacyPayloadBytes} before");
        Assert.Equal(HttpStatusCode.OK, (await hub.Client.PatchCitizenAsync("001190900010", new { maritalStatus = "married" })).StatusCode);
        Assert.Single(await EventsAsync(dataSource), e => e.Citizen == "001190900010");

        // The previous release's relay reminder for citizen 3 fires on this release and removes itself.
        var clock = Stopwatch.StartNew();
        while (await ScalarAsync<long>(dataSource, "SELECT count(*) FROM orleans_reminder WHERE reminder_name = 'relay-events'") > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), "the previous release's relay reminder was not removed");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(legacyEvents + 2, (await EventsAsync(dataSource)).Count);
    }

    private static async Task RestoreAsync(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        var start = new ProcessStartInfo("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", builder.Username!, "-d", builder.Database!, "-f", Path.Combine(RepositoryRoot.Path, "tests", "OrleansHub.Host.Tests", "Upgrade", "previous-release.sql")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var psql = Process.Start(start)!;
        var error = psql.StandardError.ReadToEndAsync();
        await psql.StandardOutput.ReadToEndAsync();
        await psql.WaitForExitAsync();
        Assert.True(psql.ExitCode == 0, await error);
    }

    private static async Task<List<(string Citizen, long Sequence, string Type, long RecordVersion)>> EventsAsync(NpgsqlDataSource dataSource)
    {
        var events = new List<(string, long, string, long)>();
        await using var command = dataSource.CreateCommand("SELECT citizen_id, sequence, type, record_version FROM citizen_events ORDER BY tx, position");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return events;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
