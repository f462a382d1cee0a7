using System.Net;
using System.Text;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>The wrong answers the hostile-input suite found, each pinned by the request that produced it.</summary>
public sealed class HostileRegressionTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private readonly HttpClient _operator = factory.CreateOperatorClient();

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public async Task PatchCitizen_InvalidUtf8InAValue_Is400AndChangesNothing(byte[] bytes)
    {
        var id = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await _operator.PutCitizenAsync(id, "Võ Thị Sáu", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        var before = await (await _operator.GetAsync($"/admin/citizens/{id}")).Content.ReadAsStringAsync();
        var body = Encoding.UTF8.GetBytes("{\"fullName\":\"").Concat(bytes).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();

        var response = await _operator.PatchAsync($"/admin/citizens/{id}", new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal("$", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(before, await (await _operator.GetAsync($"/admin/citizens/{id}")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PatchCitizen_InvalidUtf8InAMemberName_Is400()
    {
        var body = Encoding.UTF8.GetBytes("{\"").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("\":\"x\"}")).ToArray();

        var response = await _operator.PatchAsync($"/admin/citizens/{TestIds.NewCitizen()}", new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Theory]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("1%3BDROP%20TABLE%20citizens")]
    [InlineData("gdt")]
    [InlineData("99999999999999999999999")]
    public async Task ListAgencyDisputes_MalformedCode_Is400NamingTheCode(string code)
    {
        var response = await _operator.GetAsync($"/admin/agencies/{code}/disputes");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal("code", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task ListAgencyDisputes_WellFormedCode_IsStillAnswered()
    {
        var response = await _operator.GetAsync("/admin/agencies/VCB/disputes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=no-such-charset")]
    [InlineData("application/json; charset=\"UTF-7\"")]
    [InlineData("application/json; charset=utf-8; charset=utf-7")]
    public async Task JsonBody_CharsetOtherThanUtf8_Is415AndAuditedForTheAgency(string contentType)
    {
        var agency = factory.Agency("GDT");
        var body = """{"citizenId":"001090001234","fields":["fullName"],"purpose":"tax-registration"}"""u8.ToArray();

        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = await agency.PostAsync("/v1/lookups", content);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Contains("UTF-8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.TryGetProperty("auditId", out _), "an agency's refusal is audited before the answer");
    }

    [Theory]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/merge-patch+json; charset=latin1")]
    public async Task PatchCitizen_CharsetOtherThanUtf8_Is415AndChangesNothing(string contentType)
    {
        var id = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await _operator.PutCitizenAsync(id, "Võ Thị Sáu", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        var before = await (await _operator.GetAsync($"/admin/citizens/{id}")).Content.ReadAsStringAsync();

        var content = new ByteArrayContent("""{"hometown":"Huế"}"""u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = await _operator.PatchAsync($"/admin/citizens/{id}", content);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Equal(before, await (await _operator.GetAsync($"/admin/citizens/{id}")).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("application/json")]
    public async Task JsonBody_Utf8OrNoCharset_IsStillAnswered(string contentType)
    {
        var agency = factory.Agency("GDT");
        var body = """{"citizenId":"001090001234","fields":["fullName"],"purpose":"tax-registration"}"""u8.ToArray();

        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = await agency.PostAsync("/v1/lookups", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
