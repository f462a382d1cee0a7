using System.Net;
using System.Text;
using System.Text.Json;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Cluster;

/// <summary>The registry on PostgreSQL: an import and later changes survive a restart; re-running the import changes nothing.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class RegistryDurabilityTests(PostgresServer postgres)
{
    private const int Citizens = 200;

    [Fact]
    public async Task Import_IntoPostgres_SurvivesRestartAndRerunChangesNothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        var clusterId = $"registry-{Guid.NewGuid():N}";
        var prefix = Random.Shared.Next(100, 999);
        var file = new StringBuilder();
        for (var i = 0; i < Citizens; i++)
        {
            file.Append(JsonSerializer.Serialize(new
            {
                id = $"001090{prefix}{i:D3}",
                fullName = "Nguyễn Thị Định",
                dateOfBirth = TestIds.DateOfBirth,
                sex = TestIds.Sex,
                healthInsuranceNumber = $"DN401{prefix}{i:D7}",
                card = new { number = $"CT{prefix}{i:D7}", issuedOn = "2021-06-01", expiresOn = (string?)null, issuedBy = "Cục Cảnh sát" },
            })).Append('\n');
        }

        await using (var hub = await HubProcess.StartAsync(database, clusterId))
        {
            var first = await ImportAsync(hub, file.ToString());
            Assert.Equal(Citizens, first.GetProperty("created").GetInt32());
            Assert.Equal(HttpStatusCode.OK, (await hub.Client.PostAsync($"/admin/cards/CT{prefix}0000007/lost", null)).StatusCode);
            await hub.StopGracefullyAsync(TimeSpan.FromSeconds(30));
        }

        await using var restarted = await HubProcess.StartAsync(database, clusterId);
        var fields = (await (await restarted.Client.GetAsync($"/admin/citizens/001090{prefix}007")).ReadJsonAsync()).GetProperty("fields");
        Assert.Equal("lost", fields.GetProperty("cardStatus").GetProperty("value").GetString());
        Assert.Equal("VSS", fields.GetProperty("healthInsuranceNumber").GetProperty("source").GetString());
        var card = await (await restarted.Client.GetAsync($"/admin/cards/CT{prefix}0000008")).ReadJsonAsync();
        Assert.Equal("valid", card.GetProperty("status").GetString());

        var rerun = await ImportAsync(restarted, file.ToString());
        Assert.Equal((0, Citizens), (rerun.GetProperty("created").GetInt32(), rerun.GetProperty("unchanged").GetInt32()));
    }

    private static async Task<JsonElement> ImportAsync(HubProcess hub, string file)
    {
        var response = await hub.Client.PostAsync("/admin/citizens/import", new StringContent(file, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var last = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonDocument.Parse(last).RootElement.GetProperty("summary");
    }
}
