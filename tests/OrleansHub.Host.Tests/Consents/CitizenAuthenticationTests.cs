using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using OrleansHub.Host.Security.Citizens;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Consents;

/// <summary>Citizen sign-in against the embedded hub's development e-ID issuer, and the development token endpoint.</summary>
public sealed class CitizenAuthenticationTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private string BadToken(string kind)
    {
        var citizen = TestIds.NewCitizen();
        var descriptor = CitizenTokens.Descriptor(citizen);
        switch (kind)
        {
            case "expired":
                descriptor.IssuedAt = descriptor.NotBefore = DateTime.UtcNow.AddMinutes(-30);
                descriptor.Expires = DateTime.UtcNow.AddMinutes(-5);
                return CitizenTokens.SignWithHubKey(factory, descriptor);
            case "not yet valid":
                descriptor.NotBefore = DateTime.UtcNow.AddMinutes(10);
                descriptor.Expires = DateTime.UtcNow.AddMinutes(25);
                return CitizenTokens.SignWithHubKey(factory, descriptor);
            case "other key":
                using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    return CitizenTokens.Sign(other, descriptor);
                }

            case "wrong audience":
                return CitizenTokens.SignWithHubKey(factory, CitizenTokens.Descriptor(citizen, audience: "another-service"));
            case "wrong issuer":
                return CitizenTokens.SignWithHubKey(factory, CitizenTokens.Descriptor(citizen, issuer: "https://evil.example"));
            case "subject not an ID":
                return CitizenTokens.SignWithHubKey(factory, CitizenTokens.Descriptor("003090001234"));
            case "subject missing":
                return CitizenTokens.SignWithHubKey(factory, CitizenTokens.Descriptor(null));
            case "unsigned":
                var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                return $"{Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Base64Url($"{{\"iss\":\"{DevelopmentCitizenIssuer.Issuer}\",\"aud\":\"{DevelopmentCitizenIssuer.Audience}\",\"sub\":\"{citizen}\",\"exp\":{now + 600}}}")}.";
            case "tampered subject":
                var parts = CitizenTokens.SignWithHubKey(factory, descriptor).Split('.');
                var payload = Encoding.UTF8.GetString(Convert.FromBase64String(parts[1].Replace('-', '+').Replace('_', '/').PadRight((parts[1].Length + 3) / 4 * 4, '=')));
                return $"{parts[0]}.{Base64Url(payload.Replace(citizen, TestIds.NewCitizen(), StringComparison.Ordinal))}.{parts[2]}";
            case "malformed":
                return "not.a.jwt";
            case "operator key":
                return EmbeddedHubFactory.DevelopmentKey;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    [Fact]
    public async Task Me_WithDevelopmentToken_IsServed()
    {
        var response = await (await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen())).GetAsync("/me/consents");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Me_HandSignedTokenWithTheHubKey_IsServed()
    {
        var token = CitizenTokens.SignWithHubKey(factory, CitizenTokens.Descriptor(TestIds.NewCitizen()));

        var response = await factory.CreateClient().WithBearer(token).GetAsync("/me/consents");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("not yet valid")]
    [InlineData("other key")]
    [InlineData("wrong audience")]
    [InlineData("wrong issuer")]
    [InlineData("subject not an ID")]
    [InlineData("subject missing")]
    [InlineData("unsigned")]
    [InlineData("tampered subject")]
    [InlineData("malformed")]
    [InlineData("operator key")]
    public async Task Me_TokenNotAcceptable_Is401Problem(string kind)
    {
        var response = await factory.CreateClient().WithBearer(BadToken(kind)).GetAsync("/me/consents");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/problems/unauthenticated", (await response.ReadProblemAsync()).GetProperty("type").GetString());
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Me_NoToken_Is401Problem()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/me/consents", new { });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/problems/unauthenticated", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task AdminApi_WithCitizenToken_Is401Problem()
    {
        var citizen = TestIds.NewCitizen();
        var client = await CitizenTokens.ClientAsync(factory, citizen);

        var response = await client.GetAsync($"/admin/citizens/{citizen}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/problems/unauthenticated", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task DevelopmentToken_ForValidId_LastsFifteenMinutes()
    {
        var before = DateTimeOffset.UtcNow;

        var response = await factory.CreateOperatorClient().PostAsJsonAsync("/dev/citizen-tokens", new { citizenId = TestIds.NewCitizen() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
        var expiresAt = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddMinutes(15).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(15).AddSeconds(1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task DevelopmentToken_WithoutOperatorKey_Is401Problem(string? key)
    {
        var client = factory.CreateClient();
        if (key is not null)
        {
            client.WithBearer(key);
        }

        var response = await client.PostAsJsonAsync("/dev/citizen-tokens", new { citizenId = TestIds.NewCitizen() });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/problems/unauthenticated", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task DevelopmentToken_WithCitizenToken_Is401Problem()
    {
        var client = await CitizenTokens.ClientAsync(factory, TestIds.NewCitizen());

        var response = await client.PostAsJsonAsync("/dev/citizen-tokens", new { citizenId = TestIds.NewCitizen() });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DevelopmentToken_WithProviderKey_Is403Problem()
    {
        var response = await factory.CreateClient().WithBearer("dev-vss-key").PostAsJsonAsync("/dev/citizen-tokens", new { citizenId = TestIds.NewCitizen() });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("/problems/forbidden", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("00109000123")]
    [InlineData("003090001234")]
    [InlineData("00109000123４")]
    [InlineData("")]
    public async Task DevelopmentToken_MalformedId_Is400NamingCitizenId(string citizenId)
    {
        var response = await factory.CreateOperatorClient().PostAsJsonAsync("/dev/citizen-tokens", new { citizenId });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("/problems/validation-failed", problem.GetProperty("type").GetString());
        Assert.Equal("citizenId", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.DoesNotContain(citizenId.Length > 0 ? citizenId : "\u0000", problem.GetRawText(), StringComparison.Ordinal);
    }
}
