using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using Xunit.Abstractions;
using OrleansHub.Host.Tests.Contract;

namespace OrleansHub.Host.Tests.Events.Webhooks;

/// <summary>
/// Webhook delivery on a real two-silo PostgreSQL cluster through a silo crash and a receiver outage: every acknowledged
/// change reaches the receiver, and each citizen's events arrive in order (after de-duplicating on the event id, as the
/// contract asks consumers to).
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class WebhookPostgresTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const string Purpose = "civil-records";

    // A different name each round, so every write is a change (names take letters only).
    private static readonly string[] Names =
        [.. new[] { "Thị", "Ngọc", "Thu", "Minh", "Thanh" }.SelectMany(middle => new[] { "Bình", "Hoa", "Lan", "Mai", "Hà", "Cúc" }.Select(given => $"Trần {middle} {given}"))];

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Hub__Webhooks__RequireHttps"] = "false",
        ["Hub__Webhooks__AllowPrivateNetworks"] = "true",
        ["Hub__Webhooks__InitialRetryDelay"] = "00:00:00.100",
        ["Hub__Webhooks__MaxRetryDelay"] = "00:00:01",
        ["Hub__Webhooks__SweepInterval"] = "00:00:00.500",
    };

    [Fact]
    public async Task Webhook_SiloHoldingItKilledAndReceiverDown_LosesNothingAndKeepsPerCitizenOrder()
    {
        var database = await postgres.CreateDatabaseAsync();
        var clusterId = $"webhooks-{Guid.NewGuid():N}";
        var startA = HubProcess.StartAsync(database, clusterId, Settings);
        var startB = HubProcess.StartAsync(database, clusterId, Settings);
        await using var a = await startA;
        await using var b = await startB;
        await using var receiver = await WebhookReceiver.StartAsync();

        var code = $"W{Random.Shared.Next(10_000_000, 99_999_999)}";
        Assert.True((await a.Client.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Sở Tư pháp (webhook)", kind = "state", status = "active", fields = new[] { "fullName" }, purposes = new[] { Purpose }, requiresConsent = false,
        })).IsSuccessStatusCode);
        var key = (await (await a.Client.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync()).GetProperty("key").GetString()!;
        using var agencyOnB = ContractCheckingHandler.CreateClient(b.Client.BaseAddress!).WithBearer(key);

        // Registered through B, so the webhook's grain starts on B: the silo about to be killed.
        Assert.Equal(HttpStatusCode.Created, (await agencyOnB.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url })).StatusCode);
        var citizens = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var id = TestIds.NewCitizen();
            Assert.Equal(HttpStatusCode.Created, (await a.Client.PutCitizenAsync(id, "Trần Văn Bình", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await agencyOnB.PutAsJsonAsync($"/v1/subscriptions/citizens/{id}", new { purpose = Purpose })).StatusCode);
            citizens.Add(id);
        }

        var acknowledged = new List<(string Citizen, long Version)>();
        for (var round = 1; round <= 30; round++)
        {
            if (round == 8)
            {
                b.Kill();
                output.WriteLine($"round {round}: silo B killed");
            }

            if (round == 15)
            {
                await receiver.StopAsync();
                output.WriteLine($"round {round}: receiver stopped");
            }

            if (round == 23)
            {
                await receiver.StartAgainAsync();
                output.WriteLine($"round {round}: receiver started again");
            }

            foreach (var citizen in citizens)
            {
                var response = await a.Client.PatchCitizenAsync(citizen, new { fullName = Names[round - 1] });
                if (response.IsSuccessStatusCode)
                {
                    acknowledged.Add((citizen, (await response.ReadJsonAsync()).GetProperty("version").GetInt64()));
                }
                else
                {
                    output.WriteLine($"round {round}: write refused {(int)response.StatusCode}");
                }
            }

            await Task.Delay(100);
        }

        var clock = Stopwatch.StartNew();
        bool AllReceived(WebhookReceiver r)
        {
            var received = r.Events().Select(e => (e.GetProperty("subject").GetString()!, e.GetProperty("data").GetProperty("recordVersion").GetInt64())).ToHashSet();
            return acknowledged.All(received.Contains);
        }

        var complete = await receiver.WaitForAsync(AllReceived, TimeSpan.FromSeconds(60));
        output.WriteLine($"{acknowledged.Count} changes acknowledged; all received: {complete}, {clock.Elapsed.TotalSeconds:F1} s after the last write; "
            + $"{receiver.Received.Count} deliveries, {receiver.Events().Count} events (with redeliveries).");
        Assert.True(complete, "acknowledged changes missing at the receiver");
        // Writes to citizens whose grains were on B fail (503) until the cluster declares B dead, longer on a busy machine.
        Assert.True(acknowledged.Count >= 40, $"only {acknowledged.Count} changes were acknowledged");

        foreach (var citizen in citizens)
        {
            var sequences = receiver.Events()
                .Where(e => e.GetProperty("subject").GetString() == citizen)
                .DistinctBy(e => e.GetProperty("id").GetString())
                .Select(e => long.Parse(e.GetProperty("sequence").GetString()!, CultureInfo.InvariantCulture))
                .ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
    }

    [Fact]
    public async Task Webhook_SetByAKeyLaterRevoked_OnPostgres_IsDisabledAndTheChangesAreInTheAuditTable()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var hub = await HubProcess.StartAsync(database, $"webhook-keys-{Guid.NewGuid():N}", Settings);
        await using var receiver = await WebhookReceiver.StartAsync();
        var code = $"W{Random.Shared.Next(10_000_000, 99_999_999)}";
        Assert.True((await hub.Client.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Sở Tư pháp (khóa)", kind = "state", status = "active", fields = new[] { "fullName" }, purposes = new[] { Purpose }, requiresConsent = false,
        })).IsSuccessStatusCode);
        var stolen = await (await hub.Client.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync();
        var current = await (await hub.Client.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync();
        using var thief = ContractCheckingHandler.CreateClient(hub.Client.BaseAddress!).WithBearer(stolen.GetProperty("key").GetString()!);
        using var owner = ContractCheckingHandler.CreateClient(hub.Client.BaseAddress!).WithBearer(current.GetProperty("key").GetString()!);
        var citizen = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await hub.Client.PutCitizenAsync(citizen, "Trần Văn Bình", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await owner.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = Purpose })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await thief.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await hub.Client.PatchCitizenAsync(citizen, new { fullName = Names[0] })).StatusCode);
        Assert.True(await receiver.WaitForAsync(r => r.Events().Count == 1));
        Assert.Equal(HttpStatusCode.OK, (await hub.Client.DeleteAsync($"/admin/agencies/{code}/keys/{stolen.GetProperty("keyId").GetString()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hub.Client.PatchCitizenAsync(citizen, new { fullName = Names[1] })).StatusCode);
        Assert.False(await receiver.WaitForAsync(r => r.Events().Count > 1, TimeSpan.FromSeconds(3)));

        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var row = new Npgsql.NpgsqlCommand("SELECT status, disabled_reason, key_id, verified_at IS NOT NULL FROM agency_webhooks WHERE agency_code = @c", connection))
        {
            row.Parameters.AddWithValue("c", code);
            await using var reader = await row.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(("disabled", "key-revoked", stolen.GetProperty("keyId").GetString(), true),
                (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        }

        await using var audit = new Npgsql.NpgsqlCommand(
            "SELECT operation || ':' || reason FROM audit_log WHERE agency_code = @c AND operation LIKE 'webhook-%' ORDER BY at", connection);
        audit.Parameters.AddWithValue("c", code);
        var changes = new List<string>();
        await using (var reader = await audit.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                changes.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["webhook-change:created", "webhook-disabled:key-revoked"], changes);
    }
}
