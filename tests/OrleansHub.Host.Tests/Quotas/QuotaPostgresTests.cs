using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;
using OrleansHub.Host.Tests.Postgres;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Quotas;

/// <summary>
/// Agency quotas end to end: two real hub processes on one PostgreSQL database, real HTTP. The limit holds for the cluster
/// as a whole, refusals are 429 rate-limited with Retry-After and the RateLimit fields and are audited, a batch costs one
/// unit per ID, and a quota changed through one silo holds on the other within seconds.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class QuotaPostgresTests(PostgresServer postgres, TwoSiloHub hub, ITestOutputHelper output) : IClassFixture<TwoSiloHub>, IAsyncLifetime
{
    private const string Civil = "civil-records";

    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Quota_BothSilosDrivenFarAboveTheRate_ClusterAdmitsAtMostBurstPlusRateTimesTime()
    {
        const int rate = 20;
        const int burst = 100;
        var (code, key) = await NewAgencyAsync();
        await PutQuotaAsync(code, new { ratePerSecond = rate, burst });
        using var onA = TwoSiloHub.Agency(hub.A, key);
        using var onB = TwoSiloHub.Agency(hub.B, key);

        var clock = Stopwatch.StartNew();
        var drivers = Enumerable.Range(0, 8).Select(i => DriveAsync(i % 2 == 0 ? onA : onB, TimeSpan.FromSeconds(8))).ToArray();
        var results = await Task.WhenAll(drivers);
        var elapsed = clock.Elapsed.TotalSeconds;

        var admitted = results.Sum(r => r.Admitted);
        var refused = results.Sum(r => r.Refused);
        var contract = burst + (rate * elapsed);
        output.WriteLine($"{admitted} admitted, {refused} refused in {elapsed:F2} s through two silos; the contract allows {contract:F0} ({admitted / contract:P1}).");
        // Correctness only: the cluster never admits more than the contract allows. How close it gets to the contract is
        // a throughput figure, which depends on how busy the machine is: that belongs in a benchmark, not here.
        Assert.True(results.All(r => r.Refused >= 5), "Every driver sent above the rate.");
        Assert.InRange(admitted, 1, contract);
        Assert.True(results.Where((_, i) => i % 2 == 1).Sum(r => r.Admitted) > 0 && results.Where((_, i) => i % 2 == 0).Sum(r => r.Admitted) > 0,
            "Both silos admitted a share.");
    }

    [Fact]
    public async Task Quota_DailyQuotaUsedUp_Is429RateLimitedWithRetryAfterHeadersAndAnAuditEntry()
    {
        var (code, key) = await NewAgencyAsync();
        await PutQuotaAsync(code, new { dailyRequests = 3 });
        using var agency = TwoSiloHub.Agency(hub.B, key);

        for (var i = 0; i < 3; i++)
        {
            var admitted = await agency.GetAsync("/v1/agency");
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.Equal("\"daily\";q=3;w=86400", Assert.Single(admitted.Headers.GetValues("RateLimit-Policy")));
            Assert.StartsWith("\"daily\";r=", Assert.Single(admitted.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
        }

        var refused = await agency.GetAsync("/v1/agency");

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Equal("daily", problem.GetProperty("limit").GetString());
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Assert.StartsWith("\"daily\";r=0;", Assert.Single(refused.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
        var auditId = problem.GetProperty("auditId").GetGuid();
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        await using var query = dataSource.CreateCommand("SELECT agency_code, outcome, reason, fee_vnd FROM audit_log WHERE id = $1");
        query.Parameters.Add(new NpgsqlParameter { Value = auditId });
        await using var row = await query.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), "The refusal is in the audit log.");
        Assert.Equal((code, "denied", "rate-limited", true), (row.GetString(0), row.GetString(1), row.GetString(2), await row.IsDBNullAsync(3)));
    }

    [Fact]
    public async Task Quota_BatchOfNIds_CostsNUnits()
    {
        var (code, key) = await NewAgencyAsync();
        await PutQuotaAsync(code, new { dailyRequests = 10 });
        using var agency = TwoSiloHub.Agency(hub.B, key);

        var seven = await BatchAsync(agency, 7);
        var four = await BatchAsync(agency, 4);
        var three = await BatchAsync(agency, 3);
        var one = await agency.LookupAsync(TestIds.NewCitizen(), Civil, "fullName");

        Assert.Equal(HttpStatusCode.OK, seven.StatusCode);
        Assert.Equal(4, (await four.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited")).GetProperty("cost").GetInt32());
        Assert.Equal(HttpStatusCode.OK, three.StatusCode);
        Assert.Equal("daily", (await one.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate-limited")).GetProperty("limit").GetString());
        var usage = (await (await hub.A.Client.GetAsync($"/admin/agencies/{code}/quota")).ReadJsonAsync()).GetProperty("usage");
        Assert.Equal(10, usage.GetProperty("dailyUsed").GetInt64());
    }

    [Fact]
    public async Task Quota_SetAndDeletedThroughSiloA_HoldsOnSiloBWithinSeconds()
    {
        var (code, key) = await NewAgencyAsync();
        using var agency = TwoSiloHub.Agency(hub.B, key);
        var byDefault = await agency.GetAsync("/v1/agency");
        Assert.Equal(HttpStatusCode.OK, byDefault.StatusCode);
        // No agency is unlimited by omission: without a quota of its own the default (Hub:Quotas:Default) applies.
        Assert.StartsWith("\"rate\";q=2000;w=2, \"daily\";q=10000000;w=86400", byDefault.Headers.GetValues("RateLimit-Policy").Single(), StringComparison.Ordinal);

        await PutQuotaAsync(code, new { dailyRequests = 1_000_000, monthlyRequests = 5_000_000 });
        var sinceSet = Stopwatch.StartNew();
        while (!(await agency.GetAsync("/v1/agency")).Headers.TryGetValues("RateLimit-Policy", out var policy)
            || !policy.Single().Contains("\"daily\";q=1000000", StringComparison.Ordinal))
        {
            Assert.True(sinceSet.Elapsed < TimeSpan.FromSeconds(10), "Silo B still runs without the quota set through silo A.");
            await Task.Delay(50);
        }

        output.WriteLine($"A quota set through silo A held on silo B after {sinceSet.Elapsed.TotalSeconds:F2} s.");
        Assert.Equal(HttpStatusCode.OK, (await hub.A.Client.DeleteAsync($"/admin/agencies/{code}/quota")).StatusCode);
        var sinceDelete = Stopwatch.StartNew();
        while (!(await agency.GetAsync("/v1/agency")).Headers.GetValues("RateLimit-Policy").Single().StartsWith("\"rate\";q=2000", StringComparison.Ordinal))
        {
            Assert.True(sinceDelete.Elapsed < TimeSpan.FromSeconds(10), "Silo B still applies the quota deleted through silo A instead of the default.");
            await Task.Delay(50);
        }

        output.WriteLine($"A quota deleted through silo A gave way to the default on silo B after {sinceDelete.Elapsed.TotalSeconds:F2} s.");
    }

    [Fact]
    public async Task PutQuota_BadValues_Are400NamingEachFieldAndUnknownAgencyIs404()
    {
        var (code, _) = await NewAgencyAsync();

        var bad = await hub.A.Client.PutAsJsonAsync($"/admin/agencies/{code}/quota", new { ratePerSecond = 5_000_000, burst = 0, dailyRequests = -1 });
        var missing = await hub.A.Client.PutAsJsonAsync("/admin/agencies/NOSUCH1/quota", new { dailyRequests = 5 });

        var problem = await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["ratePerSecond", "burst", "dailyRequests"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    private async Task<(string Code, string Key)> NewAgencyAsync()
    {
        var code = await hub.NewAgencyAsync("Sở Tư pháp hạn mức", commercial: false, Civil);
        var (_, key) = await hub.IssueKeyAsync(code);
        return (code, key);
    }

    private async Task PutQuotaAsync(string code, object quota)
    {
        var response = await hub.A.Client.PutAsJsonAsync($"/admin/agencies/{code}/quota", quota);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> BatchAsync(HttpClient agency, int ids) =>
        agency.PostAsJsonAsync("/v1/lookups/batch", new
        {
            citizenIds = Enumerable.Range(0, ids).Select(_ => TestIds.NewCitizen()).Distinct().ToArray(),
            fields = new[] { "fullName" },
            purpose = Civil,
        });

    private static async Task<(int Admitted, int Refused)> DriveAsync(HttpClient agency, TimeSpan duration)
    {
        var (admitted, refused) = (0, 0);
        var clock = Stopwatch.StartNew();
        // At least the duration, and on until this driver has been refused a few times (the rate was exceeded, however slowly
        // a loaded machine lets it send); a generous bound keeps a broken limiter from running forever.
        while ((clock.Elapsed < duration || refused < 5) && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            using var response = await agency.GetAsync("/v1/agency");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                admitted++;
            }
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                refused++;
            }
        }

        return (admitted, refused);
    }
}
