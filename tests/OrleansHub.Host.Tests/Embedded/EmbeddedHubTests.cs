using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Embedded;

/// <summary>The calls the README shows, and the errors a buggy or hostile client gets, against the embedded hub.</summary>
public sealed class EmbeddedHubTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private readonly HttpClient _operator = factory.CreateOperatorClient();

    [Fact]
    public async Task GetCitizen_DemoCitizen_ReturnsRecordWithVersionAsETag()
    {
        var response = await _operator.GetAsync("/admin/citizens/001090001234");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var fields = (await response.ReadJsonAsync()).GetProperty("fields");
        Assert.Equal("Nguyễn Văn An", fields.GetProperty("fullName").GetProperty("value").GetString());
        Assert.Equal("registry", fields.GetProperty("fullName").GetProperty("source").GetString());
        Assert.Equal("VSS", fields.GetProperty("healthInsuranceNumber").GetProperty("source").GetString());
        Assert.Equal("valid", fields.GetProperty("cardStatus").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Health_LiveAndReady_AnswerWithoutCredentials()
    {
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key")]
    [InlineData("Basic ZGV2LW9wZXJhdG9yLWtleTo=")]
    [InlineData("Bearer ")]
    public async Task GetCitizen_WithoutValidOperatorKey_Is401Problem(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/admin/citizens/001090001234");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/problems/unauthenticated", (await response.ReadProblemAsync()).GetProperty("type").GetString());
        Assert.DoesNotContain("Nguyễn", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00109000123")]
    [InlineData("0010900012345")]
    [InlineData("003090001234")]
    [InlineData("00109000123%EF%BC%94")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    public async Task GetCitizen_MalformedId_Is400NamingTheId(string id)
    {
        var response = await _operator.GetAsync($"/admin/citizens/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("/problems/validation-failed", problem.GetProperty("type").GetString());
        Assert.Equal("id", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task GetCitizen_NoRecord_Is404Problem()
    {
        var response = await _operator.GetAsync($"/admin/citizens/{TestIds.NewCitizen()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("/problems/not-found", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task PatchCitizen_NewThenConditionalUpdate_VersionsAdvanceAndStaleIs412()
    {
        var id = TestIds.NewCitizen();

        var created = await _operator.PutCitizenAsync(id, "Võ Thị Sáu", TestIds.DateOfBirth, TestIds.Sex);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var updated = await _operator.PutCitizenAsync(id, "Võ Văn Sáu", TestIds.DateOfBirth, TestIds.Sex, ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag?.Tag);

        var stale = await _operator.PutCitizenAsync(id, "Võ Sáu", TestIds.DateOfBirth, TestIds.Sex, ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var problem = await stale.ReadProblemAsync();
        Assert.Equal("/problems/version-mismatch", problem.GetProperty("type").GetString());
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        var current = await (await _operator.GetAsync($"/admin/citizens/{id}")).ReadJsonAsync();
        Assert.Equal("Võ Văn Sáu", current.GetProperty("fields").GetProperty("fullName").GetProperty("value").GetString());
    }

    [Theory]
    [InlineData("*")]
    [InlineData("1")]
    [InlineData("W/\"1\"")]
    [InlineData("\"one\"")]
    public async Task PatchCitizen_MalformedIfMatch_Is400AndChangesNothing(string ifMatch)
    {
        var id = TestIds.NewCitizen();

        var response = await _operator.PutCitizenAsync(id, "Võ Thị Sáu", TestIds.DateOfBirth, TestIds.Sex, ifMatch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/problems/malformed-request", (await response.ReadProblemAsync()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _operator.GetAsync($"/admin/citizens/{id}")).StatusCode);
    }

    [Fact]
    public async Task PatchCitizen_SeveralBrokenRules_ListsEveryOne()
    {
        var response = await _operator.PutCitizenAsync(TestIds.NewCitizen(), "Võ\u0001Sáu", "2999-01-01", TestIds.Sex);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).Order().ToArray();
        Assert.Equal(["dateOfBirth", "fullName"], fields);
    }

    [Fact]
    public async Task PatchCitizen_IdDisagreeingWithBirthYear_Is400OnId()
    {
        var response = await _operator.PutCitizenAsync(TestIds.NewCitizen(), "Võ Thị Sáu", "1991-04-12", TestIds.Sex);

        var problem = await response.ReadProblemAsync();
        Assert.Equal("id", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("{\"fullName\":\"Võ Sáu\"", "/problems/malformed-request")]
    [InlineData("{\"fullName\":\"Võ Sáu\",\"fullName\":\"Võ Sáu\",\"dateOfBirth\":\"1990-04-12\",\"sex\":\"male\"}", "/problems/malformed-request")]
    [InlineData("", "/problems/malformed-request")]
    [InlineData("[]", "/problems/validation-failed")]
    [InlineData("{\"fullName\":\"Võ Sáu\",\"dateOfBirth\":\"1990-04-12\",\"sex\":\"male\",\"admin\":true}", "/problems/validation-failed")]
    [InlineData("{\"fullName\":\"Võ Sáu\",\"dateOfBirth\":\"1990-04-12\",\"sex\":\"male\",\"isAdmin\":\"yes\"}", "/problems/validation-failed")]
    [InlineData("{\"fullName\":\"Võ Sáu\",\"dateOfBirth\":\"1990-04-12\"}", "/problems/validation-failed")]
    [InlineData("{\"fullName\":42,\"dateOfBirth\":\"1990-04-12\",\"sex\":\"male\"}", "/problems/validation-failed")]
    [InlineData("{\"fullName\":{\"a\":1},\"dateOfBirth\":\"1990-04-12\",\"sex\":\"male\"}", "/problems/validation-failed")]
    [InlineData("{\"fullName\":\"Võ Sáu\",\"dateOfBirth\":\"12/04/1990\",\"sex\":\"male\"}", "/problems/validation-failed")]
    [InlineData("{\"fullName\":\"Võ Sáu\",\"dateOfBirth\":\"1990-04-12\",\"sex\":0}", "/problems/validation-failed")]
    [InlineData("{\"fullName\":\"Võ Sáu\",\"dateOfBirth\":\"1990-04-12\",\"sex\":\"other\"}", "/problems/validation-failed")]
    [InlineData("{\"fullName\":\"Võ Sáu\",\"dateOfBirth\":\"1990-04-12\",\"sex\":\"male\",\"cardStatus\":\"valid\"}", "/problems/field-not-owned")]
    [InlineData("{\"fullName\":\"Võ Sáu\",\"dateOfBirth\":\"1990-04-12\",\"sex\":\"male\",\"taxCode\":\"8123456789\"}", "/problems/field-not-owned")]
    public async Task PatchCitizen_BadBody_IsSpecific4xxAndChangesNothing(string body, string problemType)
    {
        var id = TestIds.NewCitizen();

        var response = await _operator.PatchAsync($"/admin/citizens/{id}", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(problemType, (await response.ReadProblemAsync()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _operator.GetAsync($"/admin/citizens/{id}")).StatusCode);
    }

    [Fact]
    public async Task PatchCitizen_NotJson_Is415()
    {
        var response = await _operator.PatchAsync($"/admin/citizens/{TestIds.NewCitizen()}", new StringContent("fullName=x", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("/problems/unsupported-media-type", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task PatchCitizen_BodyOverLimit_Is413()
    {
        var huge = JsonSerializer.Serialize(new { fullName = new string('a', 2_000_000), dateOfBirth = TestIds.DateOfBirth, sex = TestIds.Sex });

        // Expect: 100-continue, as a client sending a large body should: the hub refuses on Content-Length without reading,
        // and a client still writing when the connection closes sees a broken pipe instead of the 413.
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/admin/citizens/{TestIds.NewCitizen()}") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;

        var response = await _operator.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("/problems/payload-too-large", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task UnknownRoute_WithOperatorKey_Is404Problem()
    {
        var response = await _operator.GetAsync("/admin/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("/problems/not-found", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task WrongMethod_Is405Problem()
    {
        var response = await _operator.DeleteAsync("/admin/citizens/001090001234");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("/problems/method-not-allowed", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task ProblemType_Uri_DereferencesToItsDescription()
    {
        var page = await factory.CreateClient().GetStringAsync("/problems/version-mismatch");

        Assert.Contains("412", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterSilos_EmbeddedHub_ListsOneActiveSilo()
    {
        var silos = await _operator.GetFromJsonAsync<JsonElement>("/admin/cluster/silos");

        var silo = Assert.Single(silos.EnumerateArray());
        Assert.Equal("Active", silo.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_Document_DescribesEveryOperation()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Value.GetProperty("operationId").GetString()!))
            .Order().ToArray();
        Assert.Equal(
            ["CheckCard", "DeleteAgencyQuota", "DisableAgencyWebhook", "DisputeAccess", "ExportFeeStatements", "GetAgency", "GetAgencyCreditCap", "GetAgencyHistory", "GetAgencyKey", "GetAgencyQuota", "GetAgencyQuotaHistory", "GetAgencyStatement", "GetAgencyWebhook", "GetCitizen", "GetCitizenHistory", "GetEventSchema", "GetLiveness", "GetMyAccessLog", "GetMyConsent", "GetOwnAgency", "GetOwnStatement", "GetProblemType", "GetReadiness", "GetSilos", "GetWebhook", "GrantConsent", "ImportCitizens", "IssueAgencyKey", "IssueCard", "IssueDevelopmentCitizenToken", "ListAgencies", "ListAgencyDisputes", "ListAgencyKeys", "ListCitizenSubscriptions", "ListEventSchemas", "ListEventTypeSubscriptions", "ListFeeSchedules", "ListMyConsents", "ListMyDisputes", "LookupCitizen", "LookupCitizens", "PatchCitizen", "PublishFeeSchedule", "PutAgency", "PutAgencyCreditCap", "PutAgencyQuota", "ReadEventLog", "ReadFeed", "RegisterWebhook", "RemoveAgencyWebhook", "RemoveWebhook", "ReplaceFeeSchedule", "ReplayWebhook", "ReportCardLost", "RevokeAgencyKey", "RevokeCard", "RevokeConsent", "RotateAgencyKey", "StreamFeed", "SubscribeToCitizen", "SubscribeToEventType", "UnsubscribeFromCitizen", "UnsubscribeFromEventType", "VerifyCitizen"],
            operations);
    }

    [Fact]
    public async Task OpenApi_AgencyAndCitizenOperations_DeclareTheirProblemsAndRequestExamples()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/v1/", StringComparison.Ordinal) || p.Name.StartsWith("/me/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(o => o.Value))
            .ToDictionary(o => o.GetProperty("operationId").GetString()!);
        Assert.NotEmpty(operations);
        foreach (var (name, operation) in operations)
        {
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "401", "503" })
            {
                Assert.True(responses.TryGetProperty(status, out var response), $"{name} does not declare {status}");
                Assert.True(response.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{name}'s {status} is not problem+json");
            }
        }

        foreach (var name in new[] { "LookupCitizen", "LookupCitizens", "VerifyCitizen" })
        {
            var responses = operations[name].GetProperty("responses");
            Assert.All(new[] { "400", "403", "413", "415" }, status => Assert.True(responses.TryGetProperty(status, out _), $"{name} does not declare {status}"));
            var example = operations[name].GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
            Assert.Equal("tax-registration", example.GetProperty("purpose").GetString());
        }
    }

    [Fact]
    public async Task ApiReference_Page_IsServed()
    {
        var response = await factory.CreateClient().GetAsync("/docs/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_PrometheusPage_HasOrleansAndHttpSeries()
    {
        await _operator.GetAsync("/admin/citizens/001090001234");

        var page = await factory.CreateClient().GetStringAsync("/metrics");

        Assert.Contains("http_server_request_duration_seconds", page, StringComparison.Ordinal);
        Assert.Contains("orleans_", page, StringComparison.Ordinal);
        Assert.DoesNotContain("001090001234", page, StringComparison.Ordinal);
    }
}
