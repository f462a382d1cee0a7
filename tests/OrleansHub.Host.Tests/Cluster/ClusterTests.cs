using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Cluster;

/// <summary>Real hub processes sharing one PostgreSQL database: durability across restarts, and silo failure.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class ClusterTests(PostgresServer postgres, ITestOutputHelper output)
{
    // Failure detection that still declares a killed silo dead well within the tests' deadlines, but that a live silo
    // starved of CPU (other test classes run their own silos on the same 2 cores) survives: a probe may take 5 s and three
    // in a row must be missed, so a silo is suspected only after ~15 s without an answer. Production keeps Orleans' defaults.
    private static readonly Dictionary<string, string> FastMembership = new()
    {
        ["Hub__Cluster__Membership__ProbeTimeout"] = "00:00:05",
        ["Hub__Cluster__Membership__NumMissedProbesLimit"] = "3",
        ["Hub__Cluster__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
        ["Hub__Cluster__Membership__TableRefreshTimeout"] = "00:00:05",
        ["Hub__Cluster__Messaging__ResponseTimeout"] = "00:00:30",
    };

    [Fact]
    public async Task Citizens_WrittenThroughOneSilo_AreReadBackAfterEverySiloRestarts()
    {
        var database = await postgres.CreateDatabaseAsync();
        var clusterId = $"durability-{Guid.NewGuid():N}";
        var ids = Enumerable.Range(0, 10).Select(_ => TestIds.NewCitizen()).Distinct().ToArray();

        await using (var first = await HubProcess.StartAsync(database, clusterId))
        await using (var second = await HubProcess.StartAsync(database, clusterId))
        {
            foreach (var id in ids)
            {
                Assert.Equal(HttpStatusCode.Created, (await first.Client.PutCitizenAsync(id, "Đỗ Văn Bền", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await first.Client.PutCitizenAsync(id, "Đỗ Văn Bền Vững", TestIds.DateOfBirth, TestIds.Sex, "\"1\"")).StatusCode);
            }

            await first.StopGracefullyAsync(TimeSpan.FromSeconds(30));
            await second.StopGracefullyAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, first.ExitCode);
            Assert.Equal(0, second.ExitCode);
        }

        await using var restarted = await HubProcess.StartAsync(database, clusterId);
        foreach (var id in ids)
        {
            var response = await restarted.Client.GetAsync($"/admin/citizens/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var citizen = await response.ReadJsonAsync();
            Assert.Equal("Đỗ Văn Bền Vững", citizen.GetProperty("fields").GetProperty("fullName").GetProperty("value").GetString());
            Assert.Equal(2, citizen.GetProperty("version").GetInt64());
        }
    }

    [Fact]
    public async Task Silo_GracefulStop_LeavesTheClusterAndOthersCarryOn()
    {
        var database = await postgres.CreateDatabaseAsync();
        var clusterId = $"leave-{Guid.NewGuid():N}";
        await using var staying = await HubProcess.StartAsync(database, clusterId, FastMembership);
        await using var leaving = await HubProcess.StartAsync(database, clusterId, FastMembership);
        await WaitForAsync(staying, s => s.Count(kv => kv.Value == "Active") == 2, TimeSpan.FromSeconds(90));
        var id = TestIds.NewCitizen();
        await leaving.Client.PutCitizenAsync(id, "Bùi Thị Xuân", TestIds.DateOfBirth, TestIds.Sex);

        await leaving.StopGracefullyAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, leaving.ExitCode);
        await WaitForAsync(staying, s => s.GetValueOrDefault(leaving.SiloPort) == "Dead", TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await staying.Client.GetAsync($"/admin/citizens/{id}")).StatusCode);
    }

    [Fact]
    public async Task Silo_KilledWithSigkill_IsDeclaredDeadAndItsGrainsReactivateElsewhere()
    {
        var database = await postgres.CreateDatabaseAsync();
        var clusterId = $"kill-{Guid.NewGuid():N}";
        await using var victim = await HubProcess.StartAsync(database, clusterId, FastMembership);
        await using var second = await HubProcess.StartAsync(database, clusterId, FastMembership);
        await using var third = await HubProcess.StartAsync(database, clusterId, FastMembership);
        foreach (var silo in new[] { victim, second, third })
        {
            await WaitForAsync(silo, s => s.Count(kv => kv.Value == "Active") == 3, TimeSpan.FromSeconds(90));
        }

        // Written through the victim, so (with local placement) the grains are active on the victim when it dies.
        var ids = Enumerable.Range(0, 20).Select(_ => TestIds.NewCitizen()).Distinct().ToArray();
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.Created, (await victim.Client.PutCitizenAsync(id, "Trương Định", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        }

        var sinceKill = Stopwatch.StartNew();
        victim.Kill();

        await WaitForAsync(second, s => s[victim.SiloPort] == "Dead", TimeSpan.FromSeconds(120));
        await WaitForAsync(third, s => s[victim.SiloPort] == "Dead", TimeSpan.FromSeconds(120));
        var declaredDead = sinceKill.Elapsed;
        foreach (var id in ids)
        {
            var response = await RetryUntilOkAsync(() => second.Client.GetAsync($"/admin/citizens/{id}"), TimeSpan.FromSeconds(90));
            Assert.Equal("Trương Định", (await response.ReadJsonAsync()).GetProperty("fields").GetProperty("fullName").GetProperty("value").GetString());
        }

        output.WriteLine($"kill -9: declared dead by both survivors after {declaredDead.TotalSeconds:F1} s; all {ids.Length} grains served again after {sinceKill.Elapsed.TotalSeconds:F1} s.");
        Assert.Equal(HttpStatusCode.OK, (await third.Client.GetAsync("/health/ready")).StatusCode);
    }

    private static async Task WaitForAsync(HubProcess silo, Func<Dictionary<int, string>, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        Dictionary<int, string> last = [];
        while (clock.Elapsed < timeout)
        {
            last = await silo.GetSiloStatusesAsync();
            if (condition(last))
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Membership did not reach the expected state in {timeout}: {JsonSerializer.Serialize(last)}\n{silo.Output}");
    }

    private static async Task<HttpResponseMessage> RetryUntilOkAsync(Func<Task<HttpResponseMessage>> call, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await call();
            if (response.IsSuccessStatusCode || clock.Elapsed > timeout)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return response;
            }

            await Task.Delay(250);
        }
    }
}
