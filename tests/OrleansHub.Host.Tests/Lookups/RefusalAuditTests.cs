using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Host.Agencies;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Tests.Consents;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Lookups;

/// <summary>
/// Agency requests refused before their endpoint runs: a body that cannot be read is audited like every other refusal of an
/// authenticated agency, before the answer, and the entry holds nothing the caller sent; a request that never authenticated
/// (no key, a wrong or unknown key) costs no audit row and is counted per minute, agency-or-unknown and reason instead.
/// </summary>
public sealed class RefusalAuditTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string Citizen = "001090001234";
    private const string Question = """{"citizenId":"001090001234","fields":["fullName"],"purpose":"tax-registration"}""";

    [Fact]
    public async Task Lookup_WrongSecretOfAKnownAgency_IsCountedAgainstThatAgencyWithoutAnAuditRow()
    {
        const string key = "ohk_GDT_dev_this-is-not-the-gdt-secret";
        var before = await TallyAsync("GDT", "unauthenticated");

        var response = await PostAsync(factory.CreateClient().WithBearer(key), "/v1/lookups", Question);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.False(problem.TryGetProperty("auditId", out _));
        Assert.Equal(before + 1, await TallyAsync("GDT", "unauthenticated"));
    }

    [Fact]
    public async Task Lookup_MalformedKeyNamingAnAgency_IsCountedWithoutAnAgency()
    {
        // Not a key the directory can parse (the secret is too short), so it names no agency: nothing is attributed to GDT.
        const string key = "ohk_GDT_dev_wrong";
        var (gdt, unknown) = (await TallyAsync("GDT", "unauthenticated"), await TallyAsync("unknown", "unauthenticated"));

        var response = await PostAsync(factory.CreateClient().WithBearer(key), "/v1/lookups", Question);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal((gdt, unknown + 1), (await TallyAsync("GDT", "unauthenticated"), await TallyAsync("unknown", "unauthenticated")));
    }

    [Theory]
    [InlineData("/v1/lookups")]
    [InlineData("/v1/lookups/batch")]
    [InlineData("/v1/verifications")]
    [InlineData("/V1/LOOKUPS")]
    public async Task AgencyApi_WithoutAKey_IsCountedWithoutAnAgency(string path)
    {
        var before = await TallyAsync("unknown", "unauthenticated");

        var response = await PostAsync(factory.CreateClient(), path, Question);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.False(problem.TryGetProperty("auditId", out _));
        Assert.Equal(before + 1, await TallyAsync("unknown", "unauthenticated"));
    }

    [Theory]
    [InlineData("ohk_ZZZ_dev_no-such-agency")]
    [InlineData("dev-operator-key")]
    [InlineData("not-a-key-at-all")]
    public async Task AgencyApi_KeyNamingNoAgency_IsCountedWithoutAnAgency(string key)
    {
        var before = await TallyAsync("unknown", "unauthenticated");

        var response = await factory.CreateClient().WithBearer(key).GetAsync("/v1/agency");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(before + 1, await TallyAsync("unknown", "unauthenticated"));
    }

    [Fact]
    public async Task AgencyApi_CitizenToken_IsCountedWithoutAnAgency()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, await factory.NewCitizenAsync());
        var before = await TallyAsync("unknown", "unauthenticated");

        var response = await PostAsync(citizen, "/v1/verifications", Question);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(before + 1, await TallyAsync("unknown", "unauthenticated"));
    }

    [Theory]
    [InlineData("""{"citizenId":"001090001234","fields":["fullName"],""")]
    [InlineData("""{"citizenId":"001090001234","fields":"fullName","purpose":"tax-registration"}""")]
    [InlineData("""{"citizenId":"001090001234","fields":["fullName"],"purpose":"tax-registration","secret":"x"}""")]
    public async Task Lookup_MalformedBody_IsAuditedAgainstTheAgencyWithoutTheBody(string json)
    {
        var response = await PostAsync(factory.Agency("GDT"), "/v1/lookups", json);

        var entry = await AuditedAsync(await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-request"));
        AssertRefusedBeforeEndpoint(entry, "GDT", "lookup", "malformed-request");
        AssertHoldsNothingSent(entry, Citizen, "tax-registration", "fullName", "secret");
    }

    [Fact]
    public async Task Verification_NotJson_IsAudited415()
    {
        // Routing answers a content type the endpoint does not accept before the endpoint is chosen: the operation is the API's.
        var response = await factory.Agency("VSS").PostAsync("/v1/verifications", new StringContent("citizenId=001090001234", Encoding.UTF8, "application/x-www-form-urlencoded"));

        var entry = await AuditedAsync(await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type"));
        AssertRefusedBeforeEndpoint(entry, "VSS", "/v1", "unsupported-media-type");
        AssertHoldsNothingSent(entry, Citizen);
    }

    [Fact]
    public async Task BatchLookup_BodyOverLimit_IsAudited413()
    {
        var huge = JsonSerializer.Serialize(new { citizenIds = Enumerable.Repeat(Citizen, 100_000), fields = new[] { "fullName" }, purpose = "tax-registration" });

        // As a well-behaved client sends a large body: the hub refuses on Content-Length before reading, so without waiting
        // for 100-continue the client may still be writing when the connection closes (a broken pipe, not an answer).
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/lookups/batch") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;

        var response = await factory.Agency("GDT").SendAsync(request);

        var entry = await AuditedAsync(await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large"));
        AssertRefusedBeforeEndpoint(entry, "GDT", "lookup-batch", "payload-too-large");
    }

    [Fact]
    public async Task ListDisputes_MalformedQuery_IsAuditedUnderItsRoute()
    {
        var response = await factory.Agency("GDT").GetAsync("/v1/disputes?limit=many");

        var entry = await AuditedAsync(await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-request"));
        AssertRefusedBeforeEndpoint(entry, "GDT", "disputes", "malformed-request");
        AssertHoldsNothingSent(entry, "many");
    }

    [Fact]
    public async Task AgencyApi_NotJsonWithoutAKey_Is401AndCounted()
    {
        var before = await TallyAsync("unknown", "unauthenticated");

        var response = await factory.CreateClient().PostAsync("/v1/lookups", new StringContent("x", Encoding.UTF8, "text/plain"));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(before + 1, await TallyAsync("unknown", "unauthenticated"));
    }

    [Theory]
    [InlineData("/V1/lookups")]
    [InlineData("/v1/LOOKUPS")]
    public async Task Lookup_MalformedBodyInAnyLetterCase_IsAudited(string path)
    {
        var response = await PostAsync(factory.Agency("GDT"), path, "{");

        var entry = await AuditedAsync(await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-request"));
        AssertRefusedBeforeEndpoint(entry, "GDT", "lookup", "malformed-request");
    }

    [Theory]
    [InlineData("/me/consents")]
    [InlineData("/me/access-log")]
    [InlineData("/admin/agencies")]
    public async Task CitizenAndAdminApis_WithoutCredentials_Are401AndNotAudited(string path)
    {
        foreach (var client in new[] { factory.CreateClient(), factory.CreateClient().WithBearer("ohk_GDT_dev_wrong"), factory.CreateClient().WithBearer("not.a.jwt") })
        {
            var response = await client.GetAsync(path);

            var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
            Assert.False(problem.TryGetProperty("auditId", out _));
        }
    }

    [Fact]
    public async Task CitizenApi_NotJson_Is415NotAudited()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, await factory.NewCitizenAsync());

        var response = await citizen.PostAsync("/me/consents", new StringContent("agencyCode=VCB", Encoding.UTF8, "application/x-www-form-urlencoded"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.False(problem.TryGetProperty("auditId", out _));
    }

    [Theory]
    [InlineData("/admin/citizens/001090001234")]
    [InlineData("/me/consents")]
    [InlineData("/v1/agency")]
    [InlineData("/v1/no-such-route")]
    public async Task AnyApi_BrowserAcceptHeaderWithoutCredentials_IsStill401ProblemJson(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml");

        var response = await factory.CreateClient().SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task AgencyApi_WhenTheAuditLogFails_Is503AndNotTheRefusal()
    {
        await using var failing = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IAuditLog, FailingAuditLog>()));

        var unauthenticated = await PostAsync(failing.CreateClient().WithBearer("ohk_GDT_dev_wrong"), "/v1/lookups", Question);
        var malformed = await PostAsync(failing.CreateClient().WithBearer(Demo("GDT")), "/v1/lookups", "{");
        var notJson = await failing.CreateClient().WithBearer(Demo("GDT")).PostAsync("/v1/lookups", new StringContent("x", Encoding.UTF8, "text/plain"));

        // A request that never authenticated costs no audit row, so a failing log does not change its answer.
        await unauthenticated.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        foreach (var response in new[] { malformed, notJson })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "audit-unavailable");
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            Assert.False(problem.TryGetProperty("auditId", out _));
        }
    }

    private static string Demo(string code) => DemoAgencies.All.Single(a => a.Code == code).DevelopmentKey;

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>The stored count of unauthenticated refusals this minute (and the last) for the agency and reason, after a flush.</summary>
    private async Task<long> TallyAsync(string agency, string reason)
    {
        await factory.Services.GetRequiredService<UnauthenticatedRefusals>().FlushAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var tallies = await factory.Services.GetRequiredService<IRefusalTallyStore>().ReadAsync(now.AddMinutes(-10), now.AddMinutes(1), CancellationToken.None);
        return tallies.Where(t => t.Agency == agency && t.Reason == reason).Sum(t => t.Count);
    }

    private async Task<AuditEntry> AuditedAsync(JsonElement problem)
    {
        var entry = await factory.Services.GetRequiredService<IAuditReader>().FindAsync(problem.GetProperty("auditId").GetGuid());
        Assert.NotNull(entry);
        return entry;
    }

    private static void AssertRefusedBeforeEndpoint(AuditEntry entry, string? agencyCode, string operation, string reason)
    {
        Assert.Equal(agencyCode, entry.AgencyCode);
        Assert.Null(entry.CitizenId);
        Assert.Null(entry.Purpose);
        Assert.Empty(entry.Fields);
        Assert.Equal(operation, entry.Operation);
        Assert.Equal(AuditOutcome.Denied, entry.Outcome);
        Assert.Equal(reason, entry.Reason);
    }

    private static void AssertHoldsNothingSent(AuditEntry entry, params string[] sent)
    {
        var stored = JsonSerializer.Serialize(entry);
        foreach (var value in sent)
        {
            Assert.DoesNotContain(value, stored, StringComparison.Ordinal);
        }
    }

    private sealed class FailingAuditLog : IAuditLog
    {
        public ValueTask AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new AuditUnavailableException("The test's audit log refuses every entry."));
    }
}
