using System.Net;
using Npgsql;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Registry;

/// <summary>A citizen's state row holds the current record only: a thousand changes later it is the size it was.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class BoundedStateTests(PostgresServer postgres)
{
    [Fact]
    public async Task ThousandChanges_LeaveTheStateRowTheSameSize_HistoryAndEventsInTheirTables()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var hub = await HubProcess.StartAsync(database, $"bounded-{Guid.NewGuid():N}");
        var id = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await hub.Client.PutCitizenAsync(id, "Phan Văn Khải", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        // Two addresses of the same length, in turn: every change is a real change, and the record's size stays put.
        string[] addresses = ["Số 12 phố Hàng Bài, Hà Nội", "Số 21 phố Hàng Bông, Hà Nội"];
        // The version and event sequence are variable-length integers: past 127 they take their second byte, which they
        // keep up to 16,383. So the size is taken after 200 changes, then 1,000 more are made.
        for (var change = 0; change < 200; change++)
        {
            Assert.Equal(HttpStatusCode.OK, (await hub.Client.PatchCitizenAsync(id, new { currentResidence = addresses[(change + 1) % 2] })).StatusCode);
        }

        var sizeBefore = await RowSizeAsync(dataSource, id);
        for (var change = 0; change < 1_000; change++)
        {
            Assert.Equal(HttpStatusCode.OK, (await hub.Client.PatchCitizenAsync(id, new { currentResidence = addresses[(change + 1) % 2] })).StatusCode);
        }

        Assert.Equal(sizeBefore, await RowSizeAsync(dataSource, id));
        var key = long.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1_201, await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM citizen_history WHERE citizen_id = {key}"));
        Assert.Equal(1_200, await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM citizen_events WHERE citizen_id = '{id}'"));
        Assert.Equal(1_201, await ScalarAsync<int>(dataSource, $"SELECT version FROM citizen_state WHERE citizen_id = {key}"));
        var page = await (await hub.Client.GetAsync($"/admin/citizens/{id}/history?limit=3")).ReadJsonAsync();
        Assert.Equal([1201L, 1200L, 1199L], page.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("version").GetInt64()));
    }

    private static Task<int> RowSizeAsync(NpgsqlDataSource dataSource, string id) =>
        ScalarAsync<int>(dataSource, $"SELECT length(payload) FROM citizen_state WHERE citizen_id = {long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)}");

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
