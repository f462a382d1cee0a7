using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using OrleansHub.Host.Agencies;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Telemetry;

/// <summary>The caller's W3C trace context reaches the grain calls an HTTP request makes.</summary>
public sealed class TraceContextTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task Lookup_WithTraceparent_GrainCallsJoinTheCallersTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var seen = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceId == traceId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    seen.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var agency = hub.CreateClient().WithBearer(DemoAgencies.All.Single(a => a.Code == "GDT").DevelopmentKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/lookups")
        {
            Content = JsonContent.Create(new { citizenId = "001090001234", fields = new[] { "fullName" }, purpose = "tax-registration" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await agency.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(seen, a => a.DisplayName.Contains("Citizen", StringComparison.OrdinalIgnoreCase));
    }
}
