using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrleansHub.Grains;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Lookups;

/// <summary>
/// Agency lookups and verifications end to end over Kestrel against the embedded hub, with the demo agencies: GDT and VSS
/// are state bodies that need no consent, VCB is a bank that does.
/// </summary>
public sealed class LookupApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task Lookup_StateAgencyWithinAgreement_GetsOnlyTheRequestedFieldsWithProvenance()
    {
        var citizen = await factory.NewCitizenAsync("Trần Thị Bích");

        var response = await factory.Agency("GDT").LookupAsync(citizen, "tax-registration", "fullName", "dateOfBirth");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(citizen, body.GetProperty("citizenId").GetString());
        Assert.True(body.GetProperty("version").GetInt64() >= 1);
        var fields = body.GetProperty("fields");
        Assert.Equal(["dateOfBirth", "fullName"], fields.EnumerateObject().Select(f => f.Name));
        Assert.Equal("Trần Thị Bích", fields.GetProperty("fullName").GetProperty("value").GetString());
        Assert.Equal(TestIds.DateOfBirth, fields.GetProperty("dateOfBirth").GetProperty("value").GetString());
        Assert.Equal("registry", fields.GetProperty("fullName").GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.String, fields.GetProperty("fullName").GetProperty("updatedAt").ValueKind);
        Assert.NotEqual(Guid.Empty, body.GetProperty("auditId").GetGuid());
    }

    [Fact]
    public async Task Lookup_FieldOutsideAgreement_IsRefusedNamingTheField()
    {
        var citizen = await factory.NewCitizenAsync();

        var problem = await (await factory.Agency("GDT").LookupAsync(citizen, "tax-registration", "fullName", "sex"))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "field-not-in-agreement");

        Assert.Equal("sex", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("field").GetString());
        Assert.False(problem.ToString().Contains("Nguyễn", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lookup_PurposeOutsideAgreement_IsRefused()
    {
        var citizen = await factory.NewCitizenAsync();

        await (await factory.Agency("GDT").LookupAsync(citizen, "kyc-onboarding", "fullName"))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "purpose-not-in-agreement");
    }

    [Fact]
    public async Task Lookup_UnknownCitizen_IsCitizenUnknownForAStateAgency()
    {
        await (await factory.Agency("GDT").LookupAsync(TestIds.NewCitizen(), "tax-registration", "fullName"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "citizen-unknown");
    }

    [Fact]
    public async Task Lookup_ConsentAgencyWithoutConsent_IsConsentRequiredWhetherOrNotTheCitizenExists()
    {
        var existing = await factory.NewCitizenAsync();
        var bank = factory.Agency("VCB");

        var known = await (await bank.LookupAsync(existing, "kyc-onboarding", "fullName")).AssertProblemAsync(HttpStatusCode.Forbidden, "consent-required");
        var unknown = await (await bank.LookupAsync(TestIds.NewCitizen(), "kyc-onboarding", "fullName")).AssertProblemAsync(HttpStatusCode.Forbidden, "consent-required");

        // Same status, type, title and detail: nothing tells the bank which citizen exists.
        Assert.Equal(Without(known, "auditId", "traceId"), Without(unknown, "auditId", "traceId"));
    }

    [Fact]
    public async Task Lookup_WithConsent_GetsAgreementIntersectConsentAndNamesWhatWasWithheld()
    {
        var citizen = await factory.NewCitizenAsync();
        await factory.GrantVcbAsync(citizen, ["fullName"]);

        var response = await factory.Agency("VCB").LookupAsync(citizen, "kyc-onboarding", "fullName", "dateOfBirth");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["fullName"], body.GetProperty("fields").EnumerateObject().Select(f => f.Name));
        Assert.Equal(["dateOfBirth"], body.GetProperty("withheld").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Lookup_AfterRevocation_IsRefusedOnTheVeryNextRequest()
    {
        var citizen = await factory.NewCitizenAsync();
        var consent = await factory.GrantVcbAsync(citizen, ["fullName"]);
        var bank = factory.Agency("VCB");
        Assert.Equal(HttpStatusCode.OK, (await bank.LookupAsync(citizen, "kyc-onboarding", "fullName")).StatusCode);

        var revoked = await (await Consents.CitizenTokens.ClientAsync(factory, citizen)).DeleteAsync($"/me/consents/{consent}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        await (await bank.LookupAsync(citizen, "kyc-onboarding", "fullName")).AssertProblemAsync(HttpStatusCode.Forbidden, "consent-required");
    }

    [Fact]
    public async Task Lookup_AfterConsentExpired_IsConsentExpired()
    {
        // The hub's domain clock is the test's: the consent's end is passed by moving it, not by waiting.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = new FakeClockHubFactory(clock);
        var citizen = await hub.NewCitizenAsync();
        await hub.GrantVcbAsync(citizen, ["fullName"], validUntil: clock.GetUtcNow().AddDays(1));
        var bank = hub.Agency("VCB");
        Assert.Equal(HttpStatusCode.OK, (await bank.LookupAsync(citizen, "kyc-onboarding", "fullName")).StatusCode);

        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        await (await bank.LookupAsync(citizen, "kyc-onboarding", "fullName")).AssertProblemAsync(HttpStatusCode.Forbidden, "consent-expired");
    }

    /// <summary>The embedded hub whose domain clock (<see cref="HubClock"/>) is <paramref name="clock"/>.</summary>
    private sealed class FakeClockHubFactory(FakeTimeProvider clock) : EmbeddedHubFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(HubClock.Key, clock));
        }
    }

    [Fact]
    public async Task Lookup_SuspendedAgency_IsRefusedAsSuspended()
    {
        var code = $"S{Random.Shared.Next(100_000, 999_999)}";
        var admin = factory.CreateOperatorClient();
        var registered = await admin.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Sở Tư pháp thử nghiệm", kind = "state", status = "suspended", fields = new[] { "fullName" }, purposes = new[] { "civil-records" }, requiresConsent = false,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var key = (await (await admin.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync()).GetProperty("key").GetString()!;
        var citizen = await factory.NewCitizenAsync();

        await (await factory.CreateClient().WithBearer(key).LookupAsync(citizen, "civil-records", "fullName"))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "agency-suspended");
    }

    [Theory]
    [InlineData("")]
    [InlineData("ohk_GDT_dev_wrong-secret")]
    [InlineData("dev-operator-key")]
    public async Task Lookup_WithoutAValidAgencyKey_IsUnauthenticated(string key)
    {
        var client = key.Length == 0 ? factory.CreateClient() : factory.CreateClient().WithBearer(key);

        var response = await client.LookupAsync(TestIds.NewCitizen(), "tax-registration", "fullName");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Lookup_CitizenToken_CannotCallTheAgencyApi()
    {
        var citizenId = await factory.NewCitizenAsync();
        var citizen = await Consents.CitizenTokens.ClientAsync(factory, citizenId);

        var response = await citizen.LookupAsync(citizenId, "tax-registration", "fullName");

        // A citizen token is no agency credential: the agency scheme does not accept it.
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("""{"citizenId":"123","fields":["fullName"],"purpose":"tax-registration"}""", "citizenId")]
    [InlineData("""{"citizenId":"001090001234","fields":["noSuchField"],"purpose":"tax-registration"}""", "fields[0]")]
    [InlineData("""{"citizenId":"001090001234","fields":[null],"purpose":"tax-registration"}""", "fields[0]")]
    [InlineData("""{"citizenId":"001090001234","fields":["fullName","fullName"],"purpose":"tax-registration"}""", "fields[1]")]
    [InlineData("""{"citizenId":"001090001234","fields":[],"purpose":"tax-registration"}""", "fields")]
    [InlineData("""{"citizenId":"001090001234","fields":["fullName"],"purpose":"Tax Registration"}""", "purpose")]
    [InlineData("""{"citizenId":"001090001234","fields":["fullName"],"purpose":"tax-registration\n"}""", "purpose")]
    public async Task Lookup_InvalidQuestion_ListsTheBrokenRule(string json, string field)
    {
        var response = await factory.Agency("GDT").PostAsync("/v1/lookups", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
    }

    [Theory]
    [InlineData("""{"citizenId":"001090001234","fields":["fullName"]}""")]
    [InlineData("""{"citizenId":"001090001234","fields":"fullName","purpose":"tax-registration"}""")]
    [InlineData("""{"citizenId":"001090001234","fields":["fullName"],"purpose":"tax-registration","extra":1}""")]
    [InlineData("""{"citizenId":"001090001234",""")]
    [InlineData("null")]
    public async Task Lookup_MalformedBody_IsMalformedRequest(string json)
    {
        var response = await factory.Agency("GDT").PostAsync("/v1/lookups", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
    }

    [Fact]
    public async Task BatchLookup_AnswersEachCitizenOnItsOwnInRequestOrder()
    {
        var first = await factory.NewCitizenAsync("Lê Văn Một");
        var second = await factory.NewCitizenAsync("Lê Văn Hai");
        var unknown = TestIds.NewCitizen();

        var response = await factory.Agency("VSS").PostAsJsonAsync("/v1/lookups/batch",
            new { citizenIds = new[] { second, unknown, first }, fields = new[] { "fullName" }, purpose = "insurance-enrolment" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([second, unknown, first], items.Select(i => i.GetProperty("citizenId").GetString()));
        Assert.Equal(["allowed", "denied", "allowed"], items.Select(i => i.GetProperty("outcome").GetString()));
        Assert.Equal("Lê Văn Hai", items[0].GetProperty("result").GetProperty("fields").GetProperty("fullName").GetProperty("value").GetString());
        Assert.Equal("/problems/citizen-unknown", items[1].GetProperty("problem").GetProperty("type").GetString());
        Assert.Equal(3, items.Select(i => i.GetProperty("auditId").GetGuid()).Distinct().Count());
    }

    [Fact]
    public async Task BatchLookup_OverTheLimit_IsBatchTooLarge()
    {
        var ids = Enumerable.Range(0, 101).Select(_ => TestIds.NewCitizen()).ToArray();

        var response = await factory.Agency("VSS").PostAsJsonAsync("/v1/lookups/batch",
            new { citizenIds = ids, fields = new[] { "fullName" }, purpose = "insurance-enrolment" });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "batch-too-large");
    }

    [Fact]
    public async Task BatchLookup_DuplicateOrInvalidIds_AreListed()
    {
        var id = TestIds.NewCitizen();

        var response = await factory.Agency("VSS").PostAsJsonAsync("/v1/lookups/batch",
            new { citizenIds = new[] { id, "12", id, null }, fields = new[] { "fullName" }, purpose = "insurance-enrolment" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["citizenIds[1]", "citizenIds[2]", "citizenIds[3]"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).Order());
    }

    [Fact]
    public async Task Verification_AnswersYesOrNoWithoutStoredValues()
    {
        var citizen = await factory.NewCitizenAsync("Phạm Minh Châu");

        var response = await factory.Agency("VSS").PostAsJsonAsync("/v1/verifications", new
        {
            citizenId = citizen,
            purpose = "benefit-eligibility",
            claims = new Dictionary<string, string> { ["fullName"] = "  phạm minh CHÂU ", ["dateOfBirth"] = "1991-01-01" },
            predicates = new { isAlive = true, minimumAge = 18 },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("claims").GetProperty("fullName").GetBoolean());
        Assert.False(body.GetProperty("claims").GetProperty("dateOfBirth").GetBoolean());
        Assert.True(body.GetProperty("predicates").GetProperty("isAlive").GetBoolean());
        Assert.True(body.GetProperty("predicates").GetProperty("minimumAge").GetBoolean());
        Assert.DoesNotContain(TestIds.DateOfBirth, body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_ClaimOutsideAgreementOrWithoutValue_IsRefused()
    {
        var citizen = await factory.NewCitizenAsync();
        var gdt = factory.Agency("GDT");

        var outside = await gdt.PostAsJsonAsync("/v1/verifications",
            new { citizenId = citizen, purpose = "tax-registration", claims = new Dictionary<string, string> { ["sex"] = "male" } });
        await outside.AssertProblemAsync(HttpStatusCode.Forbidden, "field-not-in-agreement");

        var missing = await gdt.PostAsync("/v1/verifications", new StringContent(
            $$$"""{"citizenId":"{{{citizen}}}","purpose":"tax-registration","claims":{"fullName":null}}""", Encoding.UTF8, "application/json"));
        await missing.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        var nothingAsked = await gdt.PostAsJsonAsync("/v1/verifications", new { citizenId = citizen, purpose = "tax-registration" });
        await nothingAsked.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    private static Dictionary<string, string> Without(JsonElement problem, params string[] members) =>
        problem.EnumerateObject().Where(p => !members.Contains(p.Name)).ToDictionary(p => p.Name, p => p.Value.ToString());
}
