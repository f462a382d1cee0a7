using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrleansHub.Host.Tests.Contract;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Embedded;

/// <summary>
/// The hub exactly as the README's run command starts it (no connection string), served by real Kestrel on
/// ports of its own, so server limits (body size, headers) behave as in production.
/// </summary>
public class EmbeddedHubFactory : WebApplicationFactory<Program>
{
    public EmbeddedHubFactory() => UseKestrel(0);

    public const string DevelopmentKey = "dev-operator-key";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Postgres", "");
        builder.UseSetting("Hub:Cluster:SiloPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Hub:Cluster:GatewayPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A client of this hub whose every answer is checked against the served OpenAPI document (<see cref="ContractCheckingHandler"/>).</summary>
    public new HttpClient CreateClient() => this.CreateCheckedClient();

    public HttpClient CreateOperatorClient() => CreateClient().WithBearer(DevelopmentKey);
}
