using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrleansHub.Host.Security;
using OrleansHub.Host.Tests.Consents;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// The authorization matrix's parties on a hub in PostgreSQL mode (real Kestrel, a fresh database of its own, the e-ID
/// issuer configured as a deployment does, since the development issuer is not served on PostgreSQL), so a test can make
/// the real audit tables refuse writes. Demo agencies are not loaded on PostgreSQL: the bank the parties' consents name
/// (VCB) is registered first.
/// </summary>
public sealed class PostgresAuthorizationParties : AuthorizationParties
{
    private readonly PostgresHubFactory _hub;
    private readonly PostgresServer _server = new();

    public PostgresAuthorizationParties()
        : this(new PostgresHubFactory())
    {
    }

    private PostgresAuthorizationParties(PostgresHubFactory hub)
        : base(hub, EmbeddedHubFactory.DevelopmentKey, ProviderOptions.DevelopmentKey(ProviderCode)) => _hub = hub;

    /// <summary>The hub's database (its login is the server's superuser, who may create triggers).</summary>
    public string ConnectionString => _hub.ConnectionString;

    public override async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        _hub.ConnectionString = await _server.CreateDatabaseAsync();
        var bank = await Operator().PutAsJsonAsync("/admin/agencies/VCB", new
        {
            name = "Ngân hàng TMCP Ngoại thương Việt Nam",
            kind = "commercial",
            status = "active",
            fields = new[] { "fullName", "dateOfBirth" },
            purposes = new[] { "kyc-onboarding" },
            requiresConsent = true,
        });
        Assert.Equal(HttpStatusCode.Created, bank.StatusCode);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _hub.IssuerKey.Dispose();
        await _server.DisposeAsync();
    }

    protected override Task<string> IssueTokenAsync(string citizenId)
    {
        var token = CitizenTokens.Sign(_hub.IssuerKey, CitizenTokens.Descriptor(citizenId, PostgresHubFactory.Issuer, PostgresHubFactory.Audience));
        RememberSecret(token);
        return Task.FromResult(token);
    }

    /// <summary>The hub in PostgreSQL mode (Development environment, one silo) on <see cref="ConnectionString"/>, set before first use.</summary>
    private sealed class PostgresHubFactory : WebApplicationFactory<Program>
    {
        public const string Issuer = "https://eid.test.example.vn";
        public const string Audience = "orleanshub-test";

        public PostgresHubFactory() => UseKestrel(0);

        public string ConnectionString { get; set; } = "";

        public ECDsa IssuerKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Postgres", ConnectionString);
            builder.UseSetting("Hub:Cluster:ClusterId", $"parties-{Guid.NewGuid():N}");
            builder.UseSetting("Hub:Cluster:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Hub:Cluster:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Hub:Cluster:AdvertisedAddress", "127.0.0.1");
            builder.UseSetting("Hub:CitizenTokens:Issuer", Issuer);
            builder.UseSetting("Hub:CitizenTokens:Audience", Audience);
            builder.UseSetting("Hub:CitizenTokens:PublicKeyPem", IssuerKey.ExportSubjectPublicKeyInfoPem());
        }
    }
}
