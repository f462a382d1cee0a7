using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Host.Agencies;
using OrleansHub.Host.Events.Feeds;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Events;

/// <summary>One agency cannot hold more than its share of long-polls and streams on a silo (here 2).</summary>
public sealed class FeedWaitLimitTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task LongPollsAndStreams_BeyondTheLimit_Are429_AnotherAgencyIsNotAffected_AndAPlaceFreesWhenOneEnds()
    {
        factory.StartServer();   // a derived factory's clients are configured through its parent's server
        using var hub = factory.WithWebHostBuilder(b => b.UseSetting("Hub:Feeds:MaxWaitingReadsPerAgency", "2"));
        hub.StartServer();
        HttpClient Agency(string code) => hub.CreateClient().WithBearer(DemoAgencies.All.Single(a => a.Code == code).DevelopmentKey);
        var tax = Agency("GDT");
        var end = (await (await tax.GetAsync("/v1/feed?limit=500")).ReadJsonAsync()).GetProperty("next").GetString();
        while (true)
        {
            var next = (await (await tax.GetAsync($"/v1/feed?after={end}&limit=500")).ReadJsonAsync()).GetProperty("next").GetString();
            if (next == end)
            {
                break;
            }

            end = next;
        }

        using var stopFirst = new CancellationTokenSource();
        var first = tax.GetAsync($"/v1/feed?after={end}&wait=20", stopFirst.Token);
        using var stream = await tax.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/feed/stream?after={end}"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        // The long-poll holds its place once the hub has taken it: wait for that, not for a fixed time.
        var places = hub.Services.GetRequiredService<FeedWaitLimits>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (places.OpenFor("GDT") < 2)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"The long-poll and the stream hold {places.OpenFor("GDT")} place(s) after 30 s.");
            await Task.Delay(50);
        }

        var third = await tax.GetAsync($"/v1/feed?after={end}&wait=20");
        var problem = await third.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too-many-waiting-reads");
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());
        Assert.Equal("1", third.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await tax.GetAsync($"/v1/feed/stream?after={end}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tax.GetAsync($"/v1/feed?after={end}")).StatusCode);   // no wait: not limited

        var bankFeed = Agency("VSS").GetAsync("/v1/feed?after=0&wait=1");
        Assert.Equal(HttpStatusCode.OK, (await bankFeed).StatusCode);

        await stopFirst.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var again = await tax.GetAsync($"/v1/feed?after={end}&wait=1");
            status = again.StatusCode;
        }
        while (status == HttpStatusCode.TooManyRequests && clock.Elapsed < TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, status);
    }
}
