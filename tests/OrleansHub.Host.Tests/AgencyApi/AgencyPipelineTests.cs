using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Tests.Consents;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.AgencyApi;

/// <summary>
/// The agency API's one pipeline over real HTTP on the embedded hub: every decision of every /v1 route is audited before its
/// answer leaves (suspension and validation refusals of any route, subscriptions, each event delivered by the feed or the
/// stream, in the citizen's access log), and an idempotent replay is re-checked and audited.
/// </summary>
public sealed class AgencyPipelineTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private readonly HttpClient _operator = factory.CreateOperatorClient();

    [Theory]
    [InlineData("/v1/feed")]
    [InlineData("/v1/subscriptions/citizens")]
    [InlineData("/v1/webhook")]
    [InlineData("/V1/FEED")]
    public async Task SuspendedAgency_AnyRoute_IsRefusedAndAudited(string path)
    {
        var (code, agency) = await NewAgencyAsync(suspended: true);

        var problem = await (await agency.GetAsync(path)).AssertProblemAsync(HttpStatusCode.Forbidden, "agency-suspended");

        var entry = await AuditedAsync(problem);
        Assert.Equal((code, AuditOutcome.Denied, "agency-suspended"), (entry.AgencyCode, entry.Outcome, entry.Reason));
    }

    [Fact]
    public async Task SuspendedAgency_MayStillReadItsOwnAgreement()
    {
        var (code, agency) = await NewAgencyAsync(suspended: true);

        var own = await (await agency.GetAsync("/v1/agency")).ReadJsonAsync();

        Assert.Equal((code, "suspended"), (own.GetProperty("code").GetString(), own.GetProperty("status").GetString()));
    }

    [Theory]
    [InlineData("/v1/feed?limit=0")]
    [InlineData("/v1/feed?after=minus-one")]
    [InlineData("/v1/subscriptions/citizens?limit=100000")]
    public async Task Feed_ValidationError_IsAudited(string path)
    {
        var problem = await (await factory.Agency("GDT").GetAsync(path)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        var entry = await AuditedAsync(problem);
        Assert.Equal(("GDT", AuditOutcome.Denied, "validation-failed"), (entry.AgencyCode, entry.Outcome, entry.Reason));
    }

    [Fact]
    public async Task Unsubscribe_CitizenNotFollowed_IsAuditedInThatCitizensAccessLog()
    {
        var citizen = await factory.NewCitizenAsync();

        var problem = await (await factory.Agency("GDT").DeleteAsync($"/v1/subscriptions/citizens/{citizen}"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not-found");

        var entry = await AuditedAsync(problem);
        Assert.Equal((citizen, "unsubscribe-citizen"), (entry.CitizenId, entry.Operation));
    }

    [Fact]
    public async Task Subscription_CreatedAndRemoved_AreInTheCitizensAccessLog()
    {
        var tax = factory.Agency("GDT");
        var citizen = await factory.NewCitizenAsync();

        Assert.Equal(HttpStatusCode.Created, (await tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "tax-registration" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tax.DeleteAsync($"/v1/subscriptions/citizens/{citizen}")).StatusCode);

        var log = await AccessLogAsync(citizen);
        var created = Assert.Single(log, e => e.GetProperty("operation").GetString() == "subscription-created");
        Assert.Equal(("GDT", "tax-registration", "answered"), (created.GetProperty("agencyCode").GetString(), created.GetProperty("purpose").GetString(),
            created.GetProperty("outcome").GetString()));
        Assert.Single(log, e => e.GetProperty("operation").GetString() == "subscription-removed");
    }

    [Fact]
    public async Task Feed_DeliveredEvent_IsInTheCitizensAccessLogWithTheFieldsItTold()
    {
        var tax = factory.Agency("GDT");
        var citizen = await FollowedByTaxAsync(tax);
        var after = await EndOfFeedAsync(tax);

        await MoveAsync(citizen);
        var delivered = await EventsAboutAsync(tax, citizen, after);

        Assert.NotEmpty(delivered);
        var entry = Assert.Single(await AccessLogAsync(citizen), e => e.GetProperty("operation").GetString() == "event-delivered-pull");
        Assert.Equal("GDT", entry.GetProperty("agencyCode").GetString());
        Assert.Equal(["permanentResidence"], entry.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Stream_DeliveredEvent_IsInTheCitizensAccessLog()
    {
        var tax = factory.Agency("GDT");
        var citizen = await FollowedByTaxAsync(tax);
        var after = await EndOfFeedAsync(tax);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var stream = await tax.GetAsync($"/v1/feed/stream?after={after}", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cancel.Token));

        await MoveAsync(citizen);
        while (await reader.ReadLineAsync(cancel.Token) is { } line && !(line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains(citizen, StringComparison.Ordinal)))
        {
        }

        Assert.Contains(await AccessLogAsync(citizen), e => e.GetProperty("operation").GetString() == "event-delivered-stream");
    }

    [Fact]
    public async Task IdempotentReplay_AfterTheConsentIsRevoked_IsRefusedAndAudited()
    {
        var bank = factory.Agency("VCB");
        var citizen = await factory.NewCitizenAsync();
        var consent = await factory.GrantVcbAsync(citizen, ["fullName"]);
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await LookupWithKeyAsync(bank, key, citizen, "kyc-onboarding")).StatusCode);

        var holder = await CitizenTokens.ClientAsync(factory, citizen);
        Assert.Equal(HttpStatusCode.OK, (await holder.DeleteAsync($"/me/consents/{consent}")).StatusCode);
        var replay = await LookupWithKeyAsync(bank, key, citizen, "kyc-onboarding");

        var problem = await replay.AssertProblemAsync(HttpStatusCode.Forbidden, "consent-required");
        Assert.False(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.DoesNotContain("Nguyễn", problem.ToString(), StringComparison.Ordinal);
        var entry = await AuditedAsync(problem);
        Assert.Equal(("VCB", citizen, AuditOutcome.Denied, "consent-required"), (entry.AgencyCode, entry.CitizenId, entry.Outcome, entry.Reason));
    }

    [Fact]
    public async Task IdempotentReplay_AfterTheAgencyIsSuspended_IsRefusedAndAudited()
    {
        var (code, agency) = await NewAgencyAsync(suspended: false);
        var citizen = await factory.NewCitizenAsync();
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await LookupWithKeyAsync(agency, key, citizen, "civil-records")).StatusCode);

        await RegisterAsync(code, suspended: true);
        var replay = await LookupWithKeyAsync(agency, key, citizen, "civil-records");

        var problem = await replay.AssertProblemAsync(HttpStatusCode.Forbidden, "agency-suspended");
        var entry = await AuditedAsync(problem);
        Assert.Equal((code, citizen, "agency-suspended"), (entry.AgencyCode, entry.CitizenId, entry.Reason));
    }

    [Fact]
    public async Task IdempotentReplay_StillAllowed_IsAuditedAsAReplayAndNotChargedAgain()
    {
        var bank = factory.Agency("VCB");
        var citizen = await factory.NewCitizenAsync();
        await factory.GrantVcbAsync(citizen, ["fullName"]);
        var key = Guid.NewGuid().ToString();
        var first = await LookupWithKeyAsync(bank, key, citizen, "kyc-onboarding");

        var replay = await LookupWithKeyAsync(bank, key, citizen, "kyc-onboarding");

        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        var log = await AccessLogAsync(citizen);
        Assert.Equal(2, log.Count(e => e.GetProperty("operation").GetString() == "lookup" && e.GetProperty("agencyCode").GetString() == "VCB"));
        Assert.Single(log, e => e.GetProperty("reason").GetString() == "idempotent-replay");
    }

    private async Task<(string Code, HttpClient Client)> NewAgencyAsync(bool suspended)
    {
        var code = $"P{Random.Shared.Next(100_000, 999_999)}";
        await RegisterAsync(code, suspended);
        var key = (await (await _operator.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync()).GetProperty("key").GetString()!;
        var client = factory.CreateClient().WithBearer(key);
        // The directory of this silo sees the agency as registered (and suspended) at once: the admin API refreshed it.
        return (code, client);
    }

    private async Task RegisterAsync(string code, bool suspended)
    {
        var registered = await _operator.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Sở Tư pháp thử nghiệm", kind = "state", status = suspended ? "suspended" : "active", fields = new[] { "fullName", "permanentResidence" },
            purposes = new[] { "civil-records" }, requiresConsent = false,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> LookupWithKeyAsync(HttpClient agency, string key, string citizen, string purpose)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/lookups") { Content = JsonContent.Create(new { citizenId = citizen, fields = new[] { "fullName" }, purpose }) };
        request.Headers.Add("Idempotency-Key", key);
        return agency.SendAsync(request);
    }

    private async Task<string> FollowedByTaxAsync(HttpClient tax)
    {
        var citizen = await factory.NewCitizenAsync();
        Assert.Equal(HttpStatusCode.Created, (await tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "tax-registration" })).StatusCode);
        return citizen;
    }

    private async Task MoveAsync(string citizen) =>
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { permanentResidence = "Số 9 phố Hàng Bài, Hà Nội" })).StatusCode);

    private async Task<List<JsonElement>> AccessLogAsync(string citizen)
    {
        var holder = await CitizenTokens.ClientAsync(factory, citizen);
        var page = await (await holder.GetAsync("/me/access-log?limit=50")).ReadJsonAsync();
        return [.. page.GetProperty("entries").EnumerateArray()];
    }

    private async Task<AuditEntry> AuditedAsync(JsonElement problem)
    {
        var entry = await factory.Services.GetRequiredService<IAuditReader>().FindAsync(problem.GetProperty("auditId").GetGuid());
        Assert.NotNull(entry);
        return entry;
    }

    private static async Task<string> EndOfFeedAsync(HttpClient agency)
    {
        var after = "0";
        while (true)
        {
            var next = (await (await agency.GetAsync($"/v1/feed?after={after}&limit=500")).ReadJsonAsync()).GetProperty("next").GetString()!;
            if (next == after)
            {
                return after;
            }

            after = next;
        }
    }

    private static async Task<List<JsonElement>> EventsAboutAsync(HttpClient agency, string citizenId, string after)
    {
        var found = new List<JsonElement>();
        var clock = Stopwatch.StartNew();
        while (found.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var page = await (await agency.GetAsync($"/v1/feed?after={after}&wait=5")).ReadJsonAsync();
            found.AddRange(page.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("subject").GetString() == citizenId));
            after = page.GetProperty("next").GetString()!;
        }

        return found;
    }
}

/// <summary>The embedded hub with tight front-door limits, to show each is enforced.</summary>
public sealed class TightLimitsHubFactory : EmbeddedHubFactory
{
    public const int FailureBurst = 3;
    public const int SubscriptionCap = 2;
    public const int DefaultDaily = 6;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Hub:AgencyApi:LimitLoopback", "true");
        builder.UseSetting("Hub:AgencyApi:FailedAuthenticationBurst", FailureBurst.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Hub:AgencyApi:FailedAuthenticationsPerMinute", "1");
        builder.UseSetting("Hub:Feeds:MaxCitizenSubscriptionsPerAgency", SubscriptionCap.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Hub:Quotas:Default:RatePerSecond", "");
        builder.UseSetting("Hub:Quotas:Default:Burst", "");
        builder.UseSetting("Hub:Quotas:Default:DailyRequests", DefaultDaily.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>Cheap denial of service closed (issue 14, item 7): each front-door limit holds.</summary>
public sealed class FrontDoorLimitTests(TightLimitsHubFactory factory) : IClassFixture<TightLimitsHubFactory>
{
    private readonly HttpClient _operator = factory.CreateOperatorClient();

    [Fact]
    public async Task FailedAuthentications_PastTheAddressBudget_Are429_WhileAValidKeyStillWorks()
    {
        var bad = factory.CreateClient().WithBearer("ohk_ZZZ_dev_no-such-agency-at-all");
        var (_, good) = await NewAgencyAsync();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < TightLimitsHubFactory.FailureBurst + 2; i++)
        {
            answers.Add((await bad.GetAsync("/v1/agency")).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, TightLimitsHubFactory.FailureBurst), answers.Take(TightLimitsHubFactory.FailureBurst));
        Assert.All(answers.Skip(TightLimitsHubFactory.FailureBurst), a => Assert.Equal(HttpStatusCode.TooManyRequests, a));
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/v1/agency")).StatusCode);
    }

    [Fact]
    public async Task CitizenSubscriptions_PastTheAgencyCap_AreRefused()
    {
        var (_, agency) = await NewAgencyAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= TightLimitsHubFactory.SubscriptionCap; i++)
        {
            statuses.Add((await agency.PutAsJsonAsync($"/v1/subscriptions/citizens/{await factory.NewCitizenAsync()}", new { purpose = "civil-records" })).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Conflict], statuses);
    }

    [Fact]
    public async Task AgencyWithoutAQuota_IsHeldToTheDefaultQuota_AndFeedReadsCountAgainstIt()
    {
        var (_, agency) = await NewAgencyAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= TightLimitsHubFactory.DefaultDaily; i++)
        {
            statuses.Add((await agency.GetAsync("/v1/feed")).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, TightLimitsHubFactory.DefaultDaily), statuses.Take(TightLimitsHubFactory.DefaultDaily));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    private async Task<(string Code, HttpClient Client)> NewAgencyAsync()
    {
        var code = $"L{Random.Shared.Next(100_000, 999_999)}";
        var registered = await _operator.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Sở Tư pháp thử nghiệm", kind = "state", status = "active", fields = new[] { "fullName" }, purposes = new[] { "civil-records" }, requiresConsent = false,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var key = (await (await _operator.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync()).GetProperty("key").GetString()!;
        return (code, factory.CreateClient().WithBearer(key));
    }
}
