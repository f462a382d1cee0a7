using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Host.Events.Webhooks;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Events.Webhooks;

/// <summary>The embedded hub with the production webhook rules: https only, public addresses only.</summary>
public sealed class ProductionWebhookRulesHubFactory : EmbeddedHubFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Hub:Webhooks:RequireHttps", "true");
        builder.UseSetting("Hub:Webhooks:AllowPrivateNetworks", "false");
    }
}

/// <summary>The hub must not be usable to reach internal networks: refused URLs, and the connect-time address check.</summary>
public sealed class WebhookTargetTests(ProductionWebhookRulesHubFactory factory) : IClassFixture<ProductionWebhookRulesHubFactory>
{
    [Theory]
    [InlineData("http://hooks.agency.example/x")]          // not https
    [InlineData("https://127.0.0.1/x")]                    // loopback
    [InlineData("https://10.1.2.3/x")]                     // private
    [InlineData("https://172.20.0.5/x")]
    [InlineData("https://192.168.1.1/x")]
    [InlineData("https://169.254.169.254/latest/meta-data")] // cloud metadata, link-local
    [InlineData("https://100.64.0.1/x")]                   // carrier-grade NAT
    [InlineData("https://0.0.0.0/x")]
    [InlineData("https://[::1]/x")]
    [InlineData("https://[::ffff:127.0.0.1]/x")]           // IPv4-mapped loopback
    [InlineData("https://[fd00::1]/x")]                    // unique local
    [InlineData("https://[fe80::1]/x")]
    [InlineData("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x")] // Teredo
    [InlineData("https://[2001:10::1]/x")]                 // ORCHID
    [InlineData("https://[64:ff9b:1::a00:1]/x")]           // local-use NAT64
    [InlineData("https://[::a00:1]/x")]                    // IPv4-compatible ::10.0.0.1
    [InlineData("https://localhost/x")]
    [InlineData("https://api.localhost/x")]
    [InlineData("https://intranet/x")]                     // single label
    [InlineData("https://db.internal/x")]
    [InlineData("https://user:secret@hooks.agency.example/x")]
    [InlineData("ftp://hooks.agency.example/x")]
    [InlineData("hooks.agency.example/x")]
    [InlineData("")]
    public async Task Register_UrlOutsideTheRules_IsRefusedNamingTheUrl(string url)
    {
        var response = await factory.Agency("GDT").PutAsJsonAsync("/v1/webhook", new { url });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "url");
    }

    [Fact]
    public async Task Register_PublicHttpsUrlThatDoesNotAnswerTheChallenge_PassesTheRulesButIs422()
    {
        // The URL is within the rules (not a validation failure), but nobody there answers the verification challenge.
        var response = await factory.Agency("VSS").PutAsJsonAsync("/v1/webhook", new { url = "https://hooks.bhxh.example.vn/orleanshub" });
        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "webhook-verification-failed");
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Agency("VSS").GetAsync("/v1/webhook")).StatusCode);
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("203.162.4.191", true)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.127.255.255", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::7f00:1", false)]   // NAT64 of 127.0.0.1
    [InlineData("2002:7f00:1::", false)]     // 6to4 of 127.0.0.1
    [InlineData("fc00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", false)] // Teredo: the client's IPv4 is obfuscated inside
    [InlineData("2001:10::1", false)]        // ORCHID
    [InlineData("2001:20::1", false)]        // ORCHIDv2
    [InlineData("64:ff9b:1::a00:1", false)]  // local-use NAT64
    [InlineData("::7f00:1", false)]          // IPv4-compatible ::127.0.0.1
    [InlineData("::808:808", false)]         // IPv4-compatible, deprecated: never a target
    [InlineData("2001:200::1", true)]        // an ordinary global 2001:: allocation stays public
    public void IsPublic_ClassifiesAddresses(string address, bool expected) =>
        Assert.Equal(expected, WebhookTargets.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task Connect_NameResolvingToLoopback_IsRefusedEvenThoughTheUrlLookedPublic()
    {
        // The URL check cannot know what a name will resolve to at delivery (DNS rebinding); the connect check does.
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = new Uri(receiver.Url).Port;
        await Assert.ThrowsAsync<WebhookTargetRefusedException>(async () =>
            await WebhookTargets.ConnectAsync(new DnsEndPoint("localhost", port), allowPrivateNetworks: false, CancellationToken.None));
        await using var allowed = await WebhookTargets.ConnectAsync(new DnsEndPoint("localhost", port), allowPrivateNetworks: true, CancellationToken.None);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public void WebhookClient_IgnoresProxySettings_SoTheAddressCheckSeesTheTarget()
    {
        // With a proxy (HTTPS_PROXY, ALL_PROXY) the connect callback would be called for the proxy's address, not the
        // webhook's: the check would pass and the proxy would reach the internal target for the hub.
        var handlers = factory.Services.GetRequiredService<IHttpMessageHandlerFactory>();
        HttpMessageHandler? handler = handlers.CreateHandler(WebhookSender.HttpClientName);
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        var sockets = Assert.IsType<SocketsHttpHandler>(handler);
        Assert.False(sockets.UseProxy);
        Assert.Null(sockets.Proxy);
        Assert.NotNull(sockets.ConnectCallback);
    }
}
