using System.Net;
using System.Net.Http.Json;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Quotas;

/// <summary>The quota API and the limiter on the embedded hub (one silo, in-process HTTP).</summary>
public sealed class QuotaApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private readonly HttpClient _operator = factory.CreateOperatorClient();

    [Fact]
    public async Task Quota_ManyConcurrentRequestsUnderTheLimit_AreAllAdmitted()
    {
        var (_, agency) = await NewAgencyAsync(new { ratePerSecond = 100_000, burst = 100_000 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => agency.GetAsync("/v1/agency")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers, a => Assert.StartsWith("\"rate\";q=100000;w=1", a.Headers.GetValues("RateLimit-Policy").Single(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimit_AgencyPacedFarBelowItsRate_ReportsRemainingCapacityNotZero()
    {
        var (_, agency) = await NewAgencyAsync(new { ratePerSecond = 50, burst = 500 });

        // Paced well below the rate (at most 10/s against 50/s): the bucket stays nearly full whatever the machine's load.
        var remaining = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            var answer = await agency.GetAsync("/v1/agency");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var field = answer.Headers.GetValues("RateLimit").Single();
            var rate = System.Text.RegularExpressions.Regex.Match(field, "\"rate\";r=(\\d+);t=(\\d+)");
            Assert.True(rate.Success, field);
            remaining.Add(long.Parse(rate.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("0", rate.Groups[2].Value);
            await Task.Delay(100);
        }

        // At most 12 units spent of a burst of 500: this silo can grant hundreds more (it said r=0 or 1 before).
        Assert.All(remaining, r => Assert.InRange(r, 250, 500));
    }

    [Fact]
    public async Task Quota_ConcurrentRequestsOverTheDailyQuota_AdmitExactlyTheQuota()
    {
        var (_, agency) = await NewAgencyAsync(new { dailyRequests = 37 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => agency.GetAsync("/v1/agency")));

        Assert.Equal(37, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
    }

    [Fact]
    public async Task PutQuota_IfMatchAndHistory_VersionTheQuotaLikeAnAgreement()
    {
        var (code, _) = await NewAgencyAsync(new { dailyRequests = 10 });

        var stale = await PutAsync(code, new { dailyRequests = 20 }, ifMatch: "\"0\"");
        var current = await PutAsync(code, new { dailyRequests = 20 }, ifMatch: "\"1\"");
        var history = await (await _operator.GetAsync($"/admin/agencies/{code}/quota/history")).ReadJsonAsync();

        Assert.Equal(1, (await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "version-mismatch")).GetProperty("currentVersion").GetInt64());
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal("\"2\"", current.Headers.ETag?.Tag);
        Assert.Equal([2L, 1L], history.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task PutQuota_NoLimitAndBadCode_AreValidationProblems()
    {
        var (code, _) = await NewAgencyAsync(quota: null);

        var empty = await PutAsync(code, new { });
        var badCode = await PutAsync("bad-code", new { dailyRequests = 1 });

        Assert.Equal("quota", (await empty.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed")).GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal("code", (await badCode.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed")).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    private async Task<(string Code, HttpClient Agency)> NewAgencyAsync(object? quota)
    {
        var code = $"Q{Random.Shared.Next(10_000_000, 99_999_999)}";
        var registered = await _operator.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Cục Hạn mức",
            kind = "state",
            status = "active",
            fields = new[] { "fullName" },
            purposes = new[] { "civil-records" },
            requiresConsent = false,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        if (quota is not null)
        {
            Assert.Equal(HttpStatusCode.OK, (await PutAsync(code, quota)).StatusCode);
        }

        var key = (await (await _operator.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync()).GetProperty("key").GetString()!;
        return (code, factory.CreateClient().WithBearer(key));
    }

    private Task<HttpResponseMessage> PutAsync(string code, object quota, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/admin/agencies/{code}/quota") { Content = JsonContent.Create(quota) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return _operator.SendAsync(request);
    }
}
