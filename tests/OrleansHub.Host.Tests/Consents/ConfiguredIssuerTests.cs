using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Consents;

/// <summary>An embedded hub given a real issuer's key uses it instead of the development issuer.</summary>
public sealed class ConfiguredIssuerTests : IAsyncLifetime
{
    private const string Issuer = "https://eid.test.example.vn";
    private const string Audience = "orleanshub-test";

    private readonly ECDsa _issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ConfiguredIssuerHubFactory _factory;

    public ConfiguredIssuerTests() => _factory = new ConfiguredIssuerHubFactory(_issuerKey.ExportSubjectPublicKeyInfoPem());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _issuerKey.Dispose();
    }

    [Fact]
    public async Task Me_TokenFromTheConfiguredIssuer_IsServedAndTheDevelopmentIssuerIsOff()
    {
        var citizen = _factory.CreateClient().WithBearer(CitizenTokens.Sign(_issuerKey, CitizenTokens.Descriptor(TestIds.NewCitizen(), Issuer, Audience)));
        var development = _factory.CreateClient().WithBearer(EmbeddedHubFactory.DevelopmentKey);

        Assert.Equal(HttpStatusCode.OK, (await citizen.GetAsync("/me/consents")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await development.PostAsJsonAsync("/dev/citizen-tokens", new { citizenId = TestIds.NewCitizen() })).StatusCode);
    }

    private sealed class ConfiguredIssuerHubFactory(string publicKeyPem) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Postgres", "");
            builder.UseSetting("Hub:Cluster:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Hub:Cluster:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Hub:CitizenTokens:Issuer", Issuer);
            builder.UseSetting("Hub:CitizenTokens:Audience", Audience);
            builder.UseSetting("Hub:CitizenTokens:PublicKeyPem", publicKeyPem);
        }
    }
}
