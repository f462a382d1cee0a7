using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrleansHub.Host.Agencies;
using OrleansHub.Host.Cluster;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Cluster;

/// <summary>An embedded hub (as <see cref="EmbeddedHubFactory"/>) with the Orleans dashboard enabled.</summary>
public sealed class DashboardEnabledHub : WebApplicationFactory<Program>
{
    public DashboardEnabledHub() => UseKestrel(0);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Postgres", "");
        builder.UseSetting("Hub:Cluster:SiloPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Hub:Cluster:GatewayPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting(OrleansDashboard.EnabledSetting, "true");
    }
}

/// <summary>The Orleans dashboard is the operator's alone, and absent unless enabled.</summary>
public sealed class OrleansDashboardTests(EmbeddedHubFactory hub, DashboardEnabledHub enabled) : IClassFixture<EmbeddedHubFactory>, IClassFixture<DashboardEnabledHub>
{
    [Theory]
    [InlineData("/admin/dashboard/")]
    [InlineData("/admin/dashboard/DashboardCounters")]
    public async Task Dashboard_Anonymous_Gets401Problem(string path)
    {
        using var response = await enabled.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/problems/unauthenticated", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Dashboard_AgencyKey_IsNotAnOperator()
    {
        var agencyKey = DemoAgencies.All[0].DevelopmentKey;

        using var response = await enabled.CreateClient().WithBearer(agencyKey).GetAsync("/admin/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_Operator_GetsThePageAndClusterCounters()
    {
        var client = enabled.CreateClient().WithBearer(EmbeddedHubFactory.DevelopmentKey);

        using var page = await client.GetAsync("/admin/dashboard/");
        using var counters = await client.GetAsync("/admin/dashboard/DashboardCounters");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        Assert.Contains("totalActiveHostCount", await counters.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Dashboard_NotEnabled_IsNotMapped()
    {
        using var response = await hub.CreateOperatorClient().GetAsync("/admin/dashboard/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
