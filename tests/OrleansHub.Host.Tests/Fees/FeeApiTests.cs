using System.Net;
using System.Net.Http.Json;
using OrleansHub.Grains;
using OrleansHub.Host.Tests.Consents;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Fees;

/// <summary>
/// Fees end to end over Kestrel against the embedded hub: the charge on each answer, statements, the CSV export and
/// Idempotency-Key. Each test registers its own agency, so its statement holds only its own requests.
/// </summary>
public sealed class FeeApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string Kyc = "kyc-onboarding";

    private static string ThisMonth => VietnamCalendar.DateOf(DateTimeOffset.UtcNow).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Lookup_CommercialAgency_IsChargedPerFieldReturnedAndItsStatementSaysSo()
    {
        var (code, agency) = await NewAgencyAsync(commercial: true);
        var citizen = await factory.NewCitizenAsync("Lê Thị Hồng");
        await GrantAsync(citizen, code, ["fullName", "dateOfBirth"]);

        var lookup = await (await agency.LookupAsync(citizen, Kyc, "fullName", "dateOfBirth")).ReadJsonAsync();
        var verification = await (await agency.PostAsJsonAsync("/v1/verifications", new
        {
            citizenId = citizen,
            purpose = Kyc,
            claims = new Dictionary<string, string> { ["fullName"] = "Lê Thị Hồng" },
            predicates = new { minimumAge = 18 },
        })).ReadJsonAsync();
        await (await agency.LookupAsync(citizen, "tax-registration", "fullName")).AssertProblemAsync(HttpStatusCode.Forbidden, "purpose-not-in-agreement");

        Assert.Equal("""{"product":"SPDC04","fields":2,"vnd":2000,"exempt":false}""", lookup.GetProperty("fee").GetRawText());
        Assert.Equal("""{"product":"SPDC01","fields":2,"vnd":2000,"exempt":false}""", verification.GetProperty("fee").GetRawText());
        var statement = await (await agency.GetAsync($"/v1/statements/{ThisMonth}")).ReadJsonAsync();
        Assert.Equal(code, statement.GetProperty("agencyCode").GetString());
        Assert.False(statement.GetProperty("complete").GetBoolean());
        Assert.Equal(2, statement.GetProperty("totals").GetProperty("answers").GetInt64());
        Assert.Equal(4, statement.GetProperty("totals").GetProperty("fields").GetInt64());
        Assert.Equal(4_000, statement.GetProperty("totals").GetProperty("amountVnd").GetInt64());
        Assert.Equal(["SPDC01", "SPDC04"], statement.GetProperty("products").EnumerateArray().Select(p => p.GetProperty("product").GetString()));
        Assert.All(statement.GetProperty("days").EnumerateArray(), d => Assert.Equal(2_000, d.GetProperty("totals").GetProperty("amountVnd").GetInt64()));
    }

    [Fact]
    public async Task Lookup_StateAgency_IsExemptAndCountedAsExempt()
    {
        var (_, agency) = await NewAgencyAsync(commercial: false);
        var citizen = await factory.NewCitizenAsync();

        var lookup = await (await agency.LookupAsync(citizen, Kyc, "fullName", "dateOfBirth")).ReadJsonAsync();

        Assert.Equal("""{"product":"SPDC04","fields":2,"vnd":0,"exempt":true}""", lookup.GetProperty("fee").GetRawText());
        var totals = (await (await agency.GetAsync($"/v1/statements/{ThisMonth}")).ReadJsonAsync()).GetProperty("totals");
        Assert.Equal((1L, 1L, 2L, 0L), (totals.GetProperty("answers").GetInt64(), totals.GetProperty("exemptAnswers").GetInt64(),
            totals.GetProperty("exemptFields").GetInt64(), totals.GetProperty("amountVnd").GetInt64()));
    }

    [Fact]
    public async Task BatchLookup_EachItemPricedOnItsOwn_DeniedItemsFree()
    {
        var (code, agency) = await NewAgencyAsync(commercial: true);
        var known = await factory.NewCitizenAsync();
        await GrantAsync(known, code, ["fullName"]);
        var unknown = TestIds.NewCitizen();

        var batch = await (await agency.PostAsJsonAsync("/v1/lookups/batch", new { citizenIds = new[] { known, unknown }, fields = new[] { "fullName" }, purpose = Kyc }))
            .ReadJsonAsync();

        var items = batch.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(1_000, items[0].GetProperty("result").GetProperty("fee").GetProperty("vnd").GetInt64());
        Assert.Equal("denied", items[1].GetProperty("outcome").GetString());
        Assert.Equal(1_000, (await (await agency.GetAsync($"/v1/statements/{ThisMonth}")).ReadJsonAsync()).GetProperty("totals").GetProperty("amountVnd").GetInt64());
    }

    [Fact]
    public async Task Lookup_RetriedWithTheSameIdempotencyKey_ReturnsTheFirstAnswerAndIsChargedOnce()
    {
        var (code, agency) = await NewAgencyAsync(commercial: true);
        var citizen = await factory.NewCitizenAsync();
        await GrantAsync(citizen, code, ["fullName", "dateOfBirth"]);
        var key = Guid.NewGuid().ToString();

        var first = await SendAsync(agency, key, new { citizenId = citizen, fields = new[] { "fullName" }, purpose = Kyc });
        var retry = await SendAsync(agency, key, new { citizenId = citizen, fields = new[] { "fullName" }, purpose = Kyc });
        var reused = await SendAsync(agency, key, new { citizenId = citizen, fields = new[] { "fullName", "dateOfBirth" }, purpose = Kyc });

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        var totals = (await (await agency.GetAsync($"/v1/statements/{ThisMonth}")).ReadJsonAsync()).GetProperty("totals");
        Assert.Equal((1L, 1_000L), (totals.GetProperty("answers").GetInt64(), totals.GetProperty("amountVnd").GetInt64()));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("26-11")]
    [InlineData("2026-1")]
    [InlineData("9998-12")]
    public async Task Statement_BadOrFutureMonth_Is400NamingTheMonth(string month)
    {
        var (_, agency) = await NewAgencyAsync(commercial: false);

        var problem = await (await agency.GetAsync($"/v1/statements/{month}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        Assert.Equal("month", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Statement_OperatorReadsAnyAgencys_AgencyCannotReachTheOperatorRoute()
    {
        var (code, agency) = await NewAgencyAsync(commercial: false);
        var other = await NewAgencyAsync(commercial: false);

        var byOperator = await factory.CreateOperatorClient().GetAsync($"/admin/agencies/{code}/statements/{ThisMonth}");
        var byOtherAgency = await other.Client.GetAsync($"/admin/agencies/{code}/statements/{ThisMonth}");

        Assert.Equal(code, (await byOperator.ReadJsonAsync()).GetProperty("agencyCode").GetString());
        // An agency key is not an operator credential: the route is closed to it, whichever agency it names.
        await byOtherAgency.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        await (await factory.CreateOperatorClient().GetAsync($"/admin/agencies/ZZ{Random.Shared.Next(1_000_000)}/statements/{ThisMonth}"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(HttpStatusCode.OK, (await agency.GetAsync($"/v1/statements/{ThisMonth}")).StatusCode);
    }

    [Fact]
    public async Task CsvExport_HasTheAgencysRowsToTheDongWithTheDefaultSplit()
    {
        var (code, agency) = await NewAgencyAsync(commercial: true);
        var citizen = await factory.NewCitizenAsync();
        await GrantAsync(citizen, code, ["fullName", "dateOfBirth"]);
        Assert.Equal(HttpStatusCode.OK, (await agency.LookupAsync(citizen, Kyc, "fullName", "dateOfBirth")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agency.LookupAsync(citizen, Kyc, "fullName")).StatusCode);

        var response = await factory.CreateOperatorClient().GetAsync($"/admin/fees/statements/{ThisMonth}/csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("month,agency_code,product,answers,fields,exempt_answers,exempt_fields,amount_vnd,collector_vnd,state_budget_vnd", lines[0]);
        Assert.Equal([$"{ThisMonth},{code},SPDC04,2,3,0,0,3000,900,2100", $"{ThisMonth},{code},ALL,2,3,0,0,3000,900,2100"],
            lines.Where(l => l.Contains($",{code},", StringComparison.Ordinal)));
        Assert.StartsWith($"{ThisMonth},ALL,ALL,", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreditCap_Reached_RefusesChargeableRequestsUnchargedUntilTheOperatorRaisesIt()
    {
        var (code, agency) = await NewAgencyAsync(commercial: true);
        var citizen = await factory.NewCitizenAsync();
        await GrantAsync(citizen, code, ["fullName", "dateOfBirth"]);
        var admin = factory.CreateOperatorClient();
        await (await admin.PutAsJsonAsync($"/admin/agencies/{code}/credit-cap", new { monthlyCapVnd = -1 })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/agencies/{code}/credit-cap", new { monthlyCapVnd = 1_000 })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await agency.LookupAsync(citizen, Kyc, "fullName")).StatusCode);
        var refused = await (await agency.LookupAsync(citizen, Kyc, "fullName")).AssertProblemAsync(HttpStatusCode.PaymentRequired, "credit-cap-reached");
        var verification = await agency.PostAsJsonAsync("/v1/verifications", new { citizenId = citizen, purpose = Kyc, predicates = new { minimumAge = 18 } });
        await verification.AssertProblemAsync(HttpStatusCode.PaymentRequired, "credit-cap-reached");

        Assert.NotEqual(Guid.Empty, refused.GetProperty("auditId").GetGuid());
        var capped = await (await admin.GetAsync($"/admin/agencies/{code}/credit-cap")).ReadJsonAsync();
        Assert.Equal((1_000L, 1_000L), (capped.GetProperty("monthlyCapVnd").GetInt64(), capped.GetProperty("chargedThisMonthVnd").GetInt64()));
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/agencies/{code}/credit-cap", new { monthlyCapVnd = 5_000 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agency.LookupAsync(citizen, Kyc, "fullName")).StatusCode);
    }

    [Fact]
    public async Task CreditCap_OfAStateAgency_NeverRefusesItsExemptRequests()
    {
        var (code, agency) = await NewAgencyAsync(commercial: false);
        var citizen = await factory.NewCitizenAsync();
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateOperatorClient().PutAsJsonAsync($"/admin/agencies/{code}/credit-cap", new { monthlyCapVnd = 0 })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await agency.LookupAsync(citizen, Kyc, "fullName")).StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient agency, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/lookups") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return agency.SendAsync(request);
    }

    /// <summary>Registers a fresh agency allowed fullName and dateOfBirth for kyc-onboarding; returns it with a client holding its key.</summary>
    private async Task<(string Code, HttpClient Client)> NewAgencyAsync(bool commercial)
    {
        var code = $"F{Random.Shared.Next(10_000_000, 99_999_999)}";
        var operatorClient = factory.CreateOperatorClient();
        var registered = await operatorClient.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Cơ quan thử phí",
            kind = commercial ? "commercial" : "state",
            status = "active",
            fields = new[] { "fullName", "dateOfBirth" },
            purposes = new[] { Kyc },
            requiresConsent = commercial,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var issued = await (await operatorClient.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync();
        return (code, factory.CreateClient().WithBearer(issued.GetProperty("key").GetString()!));
    }

    private async Task GrantAsync(string citizenId, string agencyCode, string[] fields)
    {
        var citizen = await CitizenTokens.ClientAsync(factory, citizenId);
        var granted = await citizen.PostAsJsonAsync("/me/consents", new
        {
            agencyCode,
            purpose = Kyc,
            purposeText = "Mở tài khoản thanh toán",
            fields,
            validUntil = DateTimeOffset.UtcNow.AddDays(30),
            retentionDays = 365,
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
    }
}
