using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Agencies;

/// <summary>The agency admin API and the agency key scheme over real HTTP on the embedded hub.</summary>
public sealed class AgencyApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private readonly HttpClient _operator = factory.CreateOperatorClient();

    private static string NewCode() => "H" + new string(Random.Shared.GetItems(Alphabet.AsSpan(), 9));

    private static object Bank(string status = "active") => new
    {
        name = "Ngân hàng TMCP Thử nghiệm",
        kind = "commercial",
        status,
        fields = new[] { "fullName", "dateOfBirth", "cardStatus" },
        purposes = new[] { "kyc-onboarding" },
        requiresConsent = true,
    };

    private Task<HttpResponseMessage> PutAgencyAsync(string code, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/admin/agencies/{code}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return _operator.SendAsync(request);
    }

    private async Task<string> NewAgencyAsync(object? body = null)
    {
        var code = NewCode();
        Assert.Equal(HttpStatusCode.Created, (await PutAgencyAsync(code, body ?? Bank())).StatusCode);
        return code;
    }

    private async Task<(string Key, string KeyId)> IssueKeyAsync(string code)
    {
        var issued = await (await _operator.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync();
        return (issued.GetProperty("key").GetString()!, issued.GetProperty("keyId").GetString()!);
    }

    private Task<HttpResponseMessage> AsAgencyAsync(string key) => factory.CreateClient().WithBearer(key).GetAsync("/v1/agency");

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(type, (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task PutAgency_New_Is201WithETagAndReadsBack()
    {
        var code = NewCode();

        var created = await PutAgencyAsync(code, Bank());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.ToString());
        Assert.Equal($"/admin/agencies/{code}", created.Headers.Location?.ToString());
        var read = await _operator.GetAsync($"/admin/agencies/{code}");
        var agency = await read.ReadJsonAsync();
        Assert.Equal("\"1\"", read.Headers.ETag?.ToString());
        Assert.Equal((code, "commercial", "active", true, 1), (agency.GetProperty("code").GetString(), agency.GetProperty("kind").GetString(),
            agency.GetProperty("status").GetString(), agency.GetProperty("requiresConsent").GetBoolean(), agency.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task PutAgency_ChangeAtCurrentVersion_Is200WithNextVersion()
    {
        var code = await NewAgencyAsync();

        var updated = await PutAgencyAsync(code, Bank("suspended"), ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag?.ToString());
        Assert.Equal("suspended", (await updated.ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task PutAgency_StaleIfMatch_Is412AndChangesNothing()
    {
        var code = await NewAgencyAsync();
        await PutAgencyAsync(code, Bank("suspended"), ifMatch: "\"1\"");

        var stale = await PutAgencyAsync(code, Bank("active"), ifMatch: "\"1\"");

        await AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed, "/problems/version-mismatch");
        Assert.Equal("suspended", (await (await _operator.GetAsync($"/admin/agencies/{code}")).ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task PutAgency_MalformedIfMatch_Is400()
    {
        var response = await PutAgencyAsync(NewCode(), Bank(), ifMatch: "W/\"1\"");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "/problems/malformed-request");
    }

    [Fact]
    public async Task PutAgency_BadDefinition_Is400ListingEveryViolation()
    {
        var code = NewCode();
        var body = new
        {
            name = " Bank",
            kind = "commercial",
            status = "active",
            fields = new[] { "fullName", "salary", "fullName" },
            purposes = new[] { "KYC" },
            requiresConsent = false,
        };

        var response = await PutAgencyAsync(code, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("/problems/validation-failed", problem.GetProperty("type").GetString());
        Assert.Equal(["name", "fields[1]", "fields[2]", "purposes[0]", "requiresConsent"],
            problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        await AssertProblemAsync(await _operator.GetAsync($"/admin/agencies/{code}"), HttpStatusCode.NotFound, "/problems/not-found");
    }

    [Fact]
    public async Task PutAgency_UnknownKindOrMissingMember_Is400MalformedRequest()
    {
        var unknownKind = await PutAgencyAsync(NewCode(), new { name = "Bank", kind = "charity", status = "active", fields = new[] { "fullName" }, purposes = new[] { "kyc" }, requiresConsent = true });
        var missing = await PutAgencyAsync(NewCode(), new { name = "Bank", kind = "state", status = "active", fields = new[] { "fullName" }, purposes = new[] { "kyc" } });

        await AssertProblemAsync(unknownKind, HttpStatusCode.BadRequest, "/problems/malformed-request");
        await AssertProblemAsync(missing, HttpStatusCode.BadRequest, "/problems/malformed-request");
    }

    [Theory]
    [InlineData("vcb")]
    [InlineData("V")]
    [InlineData("TOO-LONG-AGENCY-CODE")]
    public async Task AgencyRoutes_MalformedCode_Is400(string code)
    {
        await AssertProblemAsync(await _operator.GetAsync($"/admin/agencies/{code}"), HttpStatusCode.BadRequest, "/problems/validation-failed");
        await AssertProblemAsync(await PutAgencyAsync(code, Bank()), HttpStatusCode.BadRequest, "/problems/validation-failed");
        await AssertProblemAsync(await _operator.PostAsync($"/admin/agencies/{code}/keys", null), HttpStatusCode.BadRequest, "/problems/validation-failed");
    }

    [Fact]
    public async Task AgencyRoutes_UnknownAgency_Is404()
    {
        var code = NewCode();

        await AssertProblemAsync(await _operator.GetAsync($"/admin/agencies/{code}"), HttpStatusCode.NotFound, "/problems/not-found");
        await AssertProblemAsync(await _operator.GetAsync($"/admin/agencies/{code}/history"), HttpStatusCode.NotFound, "/problems/not-found");
        await AssertProblemAsync(await _operator.GetAsync($"/admin/agencies/{code}/keys"), HttpStatusCode.NotFound, "/problems/not-found");
        await AssertProblemAsync(await _operator.PostAsync($"/admin/agencies/{code}/keys", null), HttpStatusCode.NotFound, "/problems/not-found");
        await AssertProblemAsync(await _operator.DeleteAsync($"/admin/agencies/{code}/keys/abcdefgh"), HttpStatusCode.NotFound, "/problems/not-found");
    }

    [Fact]
    public async Task AdminApi_WithoutKey_Is401()
    {
        var response = await factory.CreateClient().GetAsync("/admin/agencies");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "/problems/unauthenticated");
    }

    [Fact]
    public async Task AdminApi_WithProviderKey_Is403()
    {
        var provider = factory.CreateClient().WithBearer("dev-vss-key");

        await AssertProblemAsync(await provider.GetAsync("/admin/agencies"), HttpStatusCode.Forbidden, "/problems/forbidden");
        await AssertProblemAsync(await provider.PostAsync("/admin/agencies/VCB/keys", null), HttpStatusCode.Forbidden, "/problems/forbidden");
    }

    [Fact]
    public async Task AdminApi_WithAnAgencyKey_Is401()
    {
        var code = await NewAgencyAsync();
        var (key, _) = await IssueKeyAsync(code);

        var response = await factory.CreateClient().WithBearer(key).GetAsync($"/admin/agencies/{code}/keys");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "/problems/unauthenticated");
    }

    [Fact]
    public async Task IssueKey_ShowsTheKeyOnceWithNoStoreAndListsNoSecret()
    {
        var code = await NewAgencyAsync();

        var response = await _operator.PostAsync($"/admin/agencies/{code}/keys", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var issued = await response.ReadJsonAsync();
        var key = issued.GetProperty("key").GetString()!;
        var keyId = issued.GetProperty("keyId").GetString()!;
        Assert.Matches($"^ohk_{code}_{keyId}_[A-Za-z0-9_-]{{43}}$", key);
        Assert.Equal($"/admin/agencies/{code}/keys/{keyId}", response.Headers.Location?.ToString());
        var secret = key[^43..]; // the secret is 43 base64url characters and may itself hold '_'
        foreach (var path in new[] { $"/admin/agencies/{code}/keys", $"/admin/agencies/{code}/keys/{keyId}", $"/admin/agencies/{code}/history", $"/admin/agencies/{code}" })
        {
            var body = await (await _operator.GetAsync(path)).Content.ReadAsStringAsync();
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }

        var listed = Assert.Single((await (await _operator.GetAsync($"/admin/agencies/{code}/keys")).ReadJsonAsync()).GetProperty("keys").EnumerateArray());
        Assert.Equal((keyId, "active"), (listed.GetProperty("keyId").GetString(), listed.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task AgencyEndpoint_IssuedKey_ReturnsTheAgencysOwnPolicy()
    {
        var code = await NewAgencyAsync();
        var (key, _) = await IssueKeyAsync(code);

        var response = await AsAgencyAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = await response.ReadJsonAsync();
        Assert.Equal((code, "Ngân hàng TMCP Thử nghiệm", "commercial", "active", true, 1),
            (policy.GetProperty("code").GetString(), policy.GetProperty("name").GetString(), policy.GetProperty("kind").GetString(),
             policy.GetProperty("status").GetString(), policy.GetProperty("requiresConsent").GetBoolean(), policy.GetProperty("version").GetInt32()));
        Assert.Equal(["fullName", "dateOfBirth", "cardStatus"], policy.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["kyc-onboarding"], policy.GetProperty("purposes").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task AgencyEndpoint_RevokedKey_Is401AtOnce()
    {
        var code = await NewAgencyAsync();
        var (key, keyId) = await IssueKeyAsync(code);
        Assert.Equal(HttpStatusCode.OK, (await AsAgencyAsync(key)).StatusCode);

        var revoked = await _operator.DeleteAsync($"/admin/agencies/{code}/keys/{keyId}");

        Assert.Equal("revoked", (await revoked.ReadJsonAsync()).GetProperty("status").GetString());
        await AssertProblemAsync(await AsAgencyAsync(key), HttpStatusCode.Unauthorized, "/problems/unauthenticated");
    }

    [Fact]
    public async Task AgencyEndpoint_RotatedKey_NewWorksOldIsRefused()
    {
        var code = await NewAgencyAsync();
        var (oldKey, oldKeyId) = await IssueKeyAsync(code);

        var rotated = await _operator.PostAsync($"/admin/agencies/{code}/keys/{oldKeyId}/rotate", null);

        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        Assert.True(rotated.Headers.CacheControl?.NoStore);
        var body = await rotated.ReadJsonAsync();
        Assert.Equal((oldKeyId, "revoked"), (body.GetProperty("replaced").GetProperty("keyId").GetString(), body.GetProperty("replaced").GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await AsAgencyAsync(body.GetProperty("key").GetString()!)).StatusCode);
        await AssertProblemAsync(await AsAgencyAsync(oldKey), HttpStatusCode.Unauthorized, "/problems/unauthenticated");
    }

    [Fact]
    public async Task RotateKey_WithGrace_OldKeyKeepsWorkingAndIsListedAsRevoking()
    {
        var code = await NewAgencyAsync();
        var (oldKey, oldKeyId) = await IssueKeyAsync(code);

        var rotated = await _operator.PostAsync($"/admin/agencies/{code}/keys/{oldKeyId}/rotate?graceSeconds=3600", null);

        Assert.Equal("revoking", (await rotated.ReadJsonAsync()).GetProperty("replaced").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await AsAgencyAsync(oldKey)).StatusCode);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("2592001")]
    public async Task RotateKey_GraceOutOfRange_Is400(string grace)
    {
        var code = await NewAgencyAsync();
        var (_, keyId) = await IssueKeyAsync(code);

        var response = await _operator.PostAsync($"/admin/agencies/{code}/keys/{keyId}/rotate?graceSeconds={grace}", null);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "/problems/validation-failed");
    }

    [Fact]
    public async Task RotateKey_RevokedKey_Is409()
    {
        var code = await NewAgencyAsync();
        var (_, keyId) = await IssueKeyAsync(code);
        await _operator.DeleteAsync($"/admin/agencies/{code}/keys/{keyId}");

        await AssertProblemAsync(await _operator.PostAsync($"/admin/agencies/{code}/keys/{keyId}/rotate", null), HttpStatusCode.Conflict, "/problems/conflict");
    }

    [Fact]
    public async Task AgencyEndpoint_SuspendedAgency_StillAuthenticatesAndSeesItsStatus()
    {
        var code = await NewAgencyAsync();
        var (key, _) = await IssueKeyAsync(code);

        await PutAgencyAsync(code, Bank("suspended"), ifMatch: "\"1\"");

        var response = await AsAgencyAsync(key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = await response.ReadJsonAsync();
        Assert.Equal(("suspended", 2), (policy.GetProperty("status").GetString(), policy.GetProperty("version").GetInt32()));
    }

    [Theory]
    [InlineData("ohk_ZZNOAGENCY_abcdefgh_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("ohk_VCB_dev_wrong-embedded-demo-key")]
    [InlineData("ohk_VCB_nosuchkey_aaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("dev-operator-key")]
    [InlineData("garbage")]
    public async Task AgencyEndpoint_KeyThatIsNotAValidAgencyKey_Is401(string key) =>
        await AssertProblemAsync(await AsAgencyAsync(key), HttpStatusCode.Unauthorized, "/problems/unauthenticated");

    [Fact]
    public async Task AgencyEndpoint_WithoutKey_Is401WithBearerChallenge()
    {
        var response = await factory.CreateClient().GetAsync("/v1/agency");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "/problems/unauthenticated");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("GDT", "ohk_GDT_dev_gdt-embedded-demo-key", "state")]
    [InlineData("VCB", "ohk_VCB_dev_vcb-embedded-demo-key", "commercial")]
    [InlineData("VSS", "ohk_VSS_dev_vss-embedded-demo-key", "state")]
    public async Task DemoAgency_DevelopmentKeyFromTheReadme_Authenticates(string code, string key, string kind)
    {
        var policy = await (await AsAgencyAsync(key)).ReadJsonAsync();

        Assert.Equal((code, kind), (policy.GetProperty("code").GetString(), policy.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task ListAgencies_IncludesANewAgencyAndTheDemoOnes()
    {
        var code = await NewAgencyAsync();

        var codes = (await (await _operator.GetAsync("/admin/agencies")).ReadJsonAsync()).GetProperty("agencies").EnumerateArray()
            .Select(a => a.GetProperty("code").GetString()).ToList();

        Assert.Contains(code, codes);
        Assert.Contains("VCB", codes);
    }

    [Fact]
    public async Task History_ListsDefinitionAndKeyChangesNewestFirst()
    {
        var code = await NewAgencyAsync();
        var (_, keyId) = await IssueKeyAsync(code);
        await PutAgencyAsync(code, Bank("suspended"), ifMatch: "\"1\"");
        await _operator.DeleteAsync($"/admin/agencies/{code}/keys/{keyId}");

        var changes = (await (await _operator.GetAsync($"/admin/agencies/{code}/history")).ReadJsonAsync()).GetProperty("changes").EnumerateArray().ToList();

        Assert.Equal(["key-revoked", "updated", "key-issued", "created"], changes.Select(c => c.GetProperty("kind").GetString()));
        Assert.Equal([2, 2, 1, 1], changes.Select(c => c.GetProperty("version").GetInt32()));
        Assert.Equal(["status"], changes[1].GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.All(changes, c => Assert.Equal("registry", c.GetProperty("actor").GetString()));
        Assert.Equal(keyId, changes[0].GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task OpenApi_DocumentsTheAgencyRoutes()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/admin/agencies/{code}/keys/{keyId}/rotate", paths);
        Assert.Contains("/v1/agency", paths);
    }
}
