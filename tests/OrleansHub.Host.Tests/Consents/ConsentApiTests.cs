using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Consents;

/// <summary>A citizen's consents over HTTP against the embedded hub, signed in with development e-ID tokens.</summary>
public sealed class ConsentApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private static object NewGrant(string agencyCode = "VCB", string[]? fields = null) => new
    {
        agencyCode,
        purpose = "kyc-onboarding",
        purposeText = "Mở tài khoản thanh toán tại Vietcombank",
        fields = fields ?? ["fullName", "dateOfBirth"],
        validUntil = DateTimeOffset.UtcNow.AddDays(90),
        retentionDays = 365,
    };

    private static async Task<JsonElement> GrantAsync(HttpClient citizen, object grant)
    {
        var response = await citizen.PostAsJsonAsync("/me/consents", grant);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Consents_GrantListReadRevoke_RoundTrip()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());

        var created = await citizen.PostAsJsonAsync("/me/consents", NewGrant());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var consent = await created.ReadJsonAsync();
        var id = consent.GetProperty("id").GetString();
        Assert.Equal($"/me/consents/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("active", consent.GetProperty("status").GetString());
        Assert.Equal("VCB", consent.GetProperty("agencyCode").GetString());
        Assert.Equal(["fullName", "dateOfBirth"], consent.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(JsonValueKind.Null, consent.GetProperty("revokedAt").ValueKind);

        var listed = (await (await citizen.GetAsync("/me/consents")).ReadJsonAsync()).GetProperty("consents");
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await citizen.GetAsync(created.Headers.Location)).StatusCode);

        var revoked = await citizen.DeleteAsync($"/me/consents/{id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var record = await revoked.ReadJsonAsync();
        Assert.Equal("revoked", record.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, record.GetProperty("revokedAt").ValueKind);

        var again = await (await citizen.DeleteAsync($"/me/consents/{id}")).ReadJsonAsync();
        Assert.Equal(record.GetProperty("revokedAt").GetString(), again.GetProperty("revokedAt").GetString());
        var after = (await (await citizen.GetAsync("/me/consents")).ReadJsonAsync()).GetProperty("consents");
        Assert.Equal("revoked", Assert.Single(after.EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Grant_SecondConsent_IsListedFirst()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());
        var first = await GrantAsync(citizen, NewGrant());
        var second = await GrantAsync(citizen, NewGrant(fields: ["permanentResidence"]));

        var listed = (await (await citizen.GetAsync("/me/consents")).ReadJsonAsync()).GetProperty("consents").EnumerateArray().Select(c => c.GetProperty("id").GetString());

        Assert.Equal([second.GetProperty("id").GetString(), first.GetProperty("id").GetString()], listed);
    }

    [Fact]
    public async Task Grant_WithoutValidFrom_StartsNow()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());

        var consent = await GrantAsync(citizen, NewGrant());

        var validFrom = consent.GetProperty("validFrom").GetDateTimeOffset();
        Assert.Equal(consent.GetProperty("grantedAt").GetDateTimeOffset(), validFrom, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Grant_LaterValidFrom_IsPending()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());
        var from = DateTimeOffset.UtcNow.AddDays(7);

        var consent = await GrantAsync(citizen, new { agencyCode = "VCB", purpose = "kyc-refresh", purposeText = "Cập nhật thông tin khách hàng", fields = new[] { "fullName" }, validFrom = from, validUntil = from.AddDays(30), retentionDays = 0 });

        Assert.Equal("pending", consent.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Grant_BrokenRules_Is400ListingEveryRuleWithoutEchoingValues()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());
        var grant = new { agencyCode = "vcb<script>", purpose = "Account Opening", purposeText = "x", fields = new[] { "fullName", "secretField", "fullName" }, validUntil = DateTimeOffset.UtcNow.AddYears(6), retentionDays = 4000 };

        var response = await citizen.PostAsJsonAsync("/me/consents", grant);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("/problems/validation-failed", problem.GetProperty("type").GetString());
        Assert.Equal(["agencyCode", "purpose", "fields[1]", "fields[2]", "validUntil", "retentionDays"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        var text = problem.GetRawText();
        Assert.DoesNotContain("script", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secretField", text, StringComparison.Ordinal);
        Assert.Empty((await (await citizen.GetAsync("/me/consents")).ReadJsonAsync()).GetProperty("consents").EnumerateArray());
    }

    [Fact]
    public async Task Grant_PurposeTheAgreementDoesNotName_Is422ConsentOutsideAgreement_AndNothingIsKept()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());
        var grant = new
        {
            agencyCode = "VCB", purpose = "account-opening", purposeText = "Mở tài khoản thanh toán tại Vietcombank",
            fields = new[] { "fullName", "dateOfBirth" }, validUntil = DateTimeOffset.UtcNow.AddDays(90), retentionDays = 365,
        };

        var response = await citizen.PostAsJsonAsync("/me/consents", grant);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "consent-outside-agreement");
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("purpose", error.GetProperty("field").GetString());
        Assert.Contains("kyc-onboarding", error.GetProperty("message").GetString(), StringComparison.Ordinal); // what the agreement names
        Assert.Empty((await (await citizen.GetAsync("/me/consents")).ReadJsonAsync()).GetProperty("consents").EnumerateArray());
    }

    [Fact]
    public async Task Grant_FieldsOutsideTheAgreementOrAnUnknownAgency_Is422NamingEach()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());

        var fields = await citizen.PostAsJsonAsync("/me/consents", NewGrant(fields: ["fullName", "taxCode", "bloodType"]));
        var unknown = await citizen.PostAsJsonAsync("/me/consents", NewGrant(agencyCode: "NOSUCHBANK"));

        var problem = await fields.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "consent-outside-agreement");
        Assert.Equal(["fields[1]", "fields[2]"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        var none = await unknown.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "consent-outside-agreement");
        Assert.Equal("agencyCode", Assert.Single(none.GetProperty("errors").EnumerateArray()).GetProperty("field").GetString());
        Assert.Empty((await (await citizen.GetAsync("/me/consents")).ReadJsonAsync()).GetProperty("consents").EnumerateArray());
    }

    [Theory]
    [InlineData("{\"agencyCode\": \"VCB\"")]
    [InlineData("{\"agencyCode\": \"VCB\", \"purpose\": \"loan\"}")]
    [InlineData("{\"agencyCode\": \"VCB\", \"purpose\": \"loan\", \"purposeText\": \"Vay\", \"fields\": [\"fullName\"], \"validUntil\": \"2030-01-01T00:00:00Z\", \"retentionDays\": 1, \"citizenId\": \"001090001234\"}")]
    [InlineData("{\"agencyCode\": \"VCB\", \"purpose\": \"loan\", \"purposeText\": \"Vay\", \"fields\": [\"fullName\"], \"validUntil\": \"next year\", \"retentionDays\": 1}")]
    public async Task Grant_MalformedBody_Is400MalformedRequest(string json)
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());

        var response = await citizen.PostAsync("/me/consents", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/problems/malformed-request", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Grant_NullFieldName_Is400NamingIt()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());
        var json = "{\"agencyCode\": \"VCB\", \"purpose\": \"loan\", \"purposeText\": \"Vay\", \"fields\": [\"fullName\", null], \"validUntil\": \"2030-01-01T00:00:00Z\", \"retentionDays\": 1}";

        var response = await citizen.PostAsync("/me/consents", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("/problems/validation-failed", problem.GetProperty("type").GetString());
        Assert.Equal("fields[1]", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task OtherCitizen_CannotSeeReadOrRevokeTheConsent()
    {
        var owner = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());
        var other = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());
        var id = (await GrantAsync(owner, NewGrant())).GetProperty("id").GetString();

        Assert.Empty((await (await other.GetAsync("/me/consents")).ReadJsonAsync()).GetProperty("consents").EnumerateArray());
        var read = await other.GetAsync($"/me/consents/{id}");
        var revoke = await other.DeleteAsync($"/me/consents/{id}");

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal("/problems/not-found", (await read.ReadProblemAsync()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal("/problems/not-found", (await revoke.ReadProblemAsync()).GetProperty("type").GetString());
        var owners = (await (await owner.GetAsync("/me/consents")).ReadJsonAsync()).GetProperty("consents");
        Assert.Equal("active", Assert.Single(owners.EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Revoke_UnknownId_Is404Problem()
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());

        var response = await citizen.DeleteAsync($"/me/consents/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("/problems/not-found", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("001090001234")]
    public async Task Revoke_MalformedId_Is400NamingConsentId(string consentId)
    {
        var citizen = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());

        var response = await citizen.DeleteAsync($"/me/consents/{consentId}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("consentId", (await response.ReadProblemAsync()).GetProperty("errors")[0].GetProperty("field").GetString());
    }
}
