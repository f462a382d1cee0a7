using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Events;

/// <summary>The embedded hub with an expiry sweep every 200 ms instead of every hour.</summary>
public sealed class FrequentExpirySweepHubFactory : EmbeddedHubFactory
{
    public const string Interval = "00:00:00.200";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Hub:Cards:ExpirySweepInterval", Interval);
    }
}

/// <summary>A card whose date passes raises card-expired and marks the record, found by the expiry sweep (no write does it).</summary>
public sealed class CardExpiryTests(FrequentExpirySweepHubFactory factory) : IClassFixture<FrequentExpirySweepHubFactory>
{
    private const string Authority = "Cục Cảnh sát quản lý hành chính về trật tự xã hội";

    /// <summary>Issues a card that expired yesterday (a past card being recorded) and one valid for years; returns the citizen's expired-event list.</summary>
    internal static async Task<List<JsonElement>> IssueExpiredCardAndWaitAsync(HttpClient operatorClient, string citizenId, string number)
    {
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        var issued = await operatorClient.PutAsJsonAsync($"/admin/cards/{number}", new
        {
            citizenId, issuedOn = yesterday.AddYears(-10).ToString("yyyy-MM-dd"), expiresOn = yesterday.ToString("yyyy-MM-dd"), issuedBy = Authority,
        });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);

        var clock = Stopwatch.StartNew();
        var found = new List<JsonElement>();
        while (found.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var page = await (await operatorClient.GetAsync("/admin/events?type=vn.orleanshub.citizen.card-expired.v1&limit=500")).ReadJsonAsync();
            found = [.. page.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("subject").GetString() == citizenId)];
            await Task.Delay(found.Count == 0 ? 100 : 0);
        }

        return found;
    }

    [Fact]
    public async Task CardPastItsDate_RaisesCardExpiredOnce_AndTheRecordSaysExpired()
    {
        var operatorClient = factory.CreateOperatorClient();
        var citizen = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await operatorClient.PutCitizenAsync(citizen, "Đỗ Văn Hùng", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        var number = $"EX{Random.Shared.NextInt64(10_000_000_000):D10}";

        var expired = Assert.Single(await IssueExpiredCardAndWaitAsync(operatorClient, citizen, number));

        Assert.Contains("cardStatus", expired.GetProperty("data").GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
        var record = await (await operatorClient.GetAsync($"/admin/citizens/{citizen}")).ReadJsonAsync();
        Assert.Equal("expired", record.GetProperty("fields").GetProperty("cardStatus").GetProperty("value").GetString());

        // Later sweeps do not expire the card again: a second expired card, issued now, is found by a sweep that runs after
        // the first card's; once its event is there, the first card still has exactly one.
        var other = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await operatorClient.PutCitizenAsync(other, "Đỗ Văn Hậu", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        Assert.Single(await IssueExpiredCardAndWaitAsync(operatorClient, other, $"EX{Random.Shared.NextInt64(10_000_000_000):D10}"));
        var page = await (await operatorClient.GetAsync("/admin/events?type=vn.orleanshub.citizen.card-expired.v1&limit=500")).ReadJsonAsync();
        Assert.Single(page.GetProperty("events").EnumerateArray(), e => e.GetProperty("subject").GetString() == citizen);
    }
}

/// <summary>The same on PostgreSQL, where the sweep takes due cards from <c>card_expiries</c>.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class CardExpiryPostgresTests(PostgresServer postgres)
{
    [Fact]
    public async Task CardPastItsDate_RaisesCardExpired_AndLeavesTheExpiryTable()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var hub = await HubProcess.StartAsync(database, $"expiry-{Guid.NewGuid():N}",
            new Dictionary<string, string> { ["Hub__Cards__ExpirySweepInterval"] = FrequentExpirySweepHubFactory.Interval });
        var citizen = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await hub.Client.PutCitizenAsync(citizen, "Đỗ Văn Hùng", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);

        Assert.Single(await CardExpiryTests.IssueExpiredCardAndWaitAsync(hub.Client, citizen, $"EX{Random.Shared.NextInt64(10_000_000_000):D10}"));

        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM card_expiries WHERE citizen_id = @citizen", connection);
        count.Parameters.AddWithValue("citizen", citizen);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }
}
