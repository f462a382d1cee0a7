using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// The request limits in the README's "Limits" table, each exceeded over real HTTP (Kestrel): body size, header size and
/// JSON depth here; the batch size in LookupApiTests and the waiting reads per agency in FeedWaitLimitTests.
/// </summary>
public sealed class HostileLimitsTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string Lookup = "/v1/lookups";
    private readonly HttpClient _agency = factory.CreateClient().WithBearer(HostileSuite.AgencyKey);

    [Fact]
    public async Task Body_OverOneMebibyteWithContentLength_Is413Problem()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Lookup) { Content = JsonBody(new string('A', 1024 * 1024 + 1)) };
        request.Headers.ExpectContinue = true;

        var response = await _agency.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Body_OverOneMebibyteChunked_Is413Problem()
    {
        // No Content-Length: Kestrel counts the bytes as the endpoint reads them.
        var payload = Encoding.UTF8.GetBytes("{\"purpose\":\"" + new string('A', 1024 * 1024 + 1) + "\"}");
        var content = new StreamContent(new MemoryStream(payload));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, Lookup) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _agency.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Body_JustUnderTheLimit_ReachesValidation()
    {
        var response = await _agency.PostAsync(Lookup, JsonBody(new string('A', 1000 * 1000)));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Headers_OverTheLimit_Are431Problem()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/agency");
        request.Headers.TryAddWithoutValidation("X-Pad", new string('a', 40 * 1024));

        var response = await _agency.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "request-headers-too-large");
        Assert.Contains("32768", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_UnderTheLimit_AreServed()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/agency");
        request.Headers.TryAddWithoutValidation("X-Pad", new string('a', 24 * 1024));

        Assert.Equal(HttpStatusCode.OK, (await _agency.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Headers_ConfiguredLimit_IsTheOneApplied()
    {
        factory.StartServer();
        using var hub = factory.WithWebHostBuilder(b => b.UseSetting("Hub:Limits:MaxRequestHeaderBytes", "8192"));
        hub.StartServer();
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Pad", new string('a', 10 * 1024));

        var response = await hub.CreateClient().SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestHeaderFieldsTooLarge, "request-headers-too-large");
        Assert.Contains("8192", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    // The citizen PATCH reads its body as a JsonElement, so depth alone decides between "not read" (malformed-request)
    // and "read, then refused by the field rules" (validation-failed).
    [Theory]
    [InlineData(33)]
    [InlineData(10_000)]
    public async Task JsonBody_NestedDeeperThan32_Is400Malformed(int depth)
    {
        var response = await PatchNestedAsync(depth);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
    }

    [Fact]
    public async Task JsonBody_NestedExactly32_IsRead()
    {
        var response = await PatchNestedAsync(32);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    private Task<HttpResponseMessage> PatchNestedAsync(int depth)
    {
        // The object is one level, the arrays the rest.
        var body = "{\"fullName\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";
        return factory.CreateOperatorClient().PatchAsync($"/admin/citizens/{TestIds.NewCitizen()}", new StringContent(body, Encoding.UTF8, "application/json"));
    }

    private static StringContent JsonBody(string purpose) =>
        new($"{{\"citizenId\":\"001090001234\",\"fields\":[\"fullName\"],\"purpose\":\"{purpose}\"}}", Encoding.UTF8, "application/json");
}
