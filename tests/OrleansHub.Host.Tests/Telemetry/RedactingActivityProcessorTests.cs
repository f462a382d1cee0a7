using System.Diagnostics;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Tests.Telemetry;

/// <summary>Spans exported over OTLP carry no citizen ID numbers.</summary>
public sealed class RedactingActivityProcessorTests
{
    [Fact]
    public void FinishedSpan_WithACitizenInItsPathAndGrainTarget_IsRedactedBeforeExport()
    {
        using var activity = new Activity("GET /admin/citizens/001090001234");
        activity.SetTag("url.path", "/admin/citizens/001090001234");
        activity.SetTag("rpc.orleans.target_id", "citizen/001090001234");
        activity.SetTag("http.request.method", "GET");
        activity.SetTag("server.port", 5080);
        activity.DisplayName = "ICitizenGrain/GetAsync citizen/001090001234";

        new RedactingActivityProcessor().OnEnd(activity);

        Assert.Equal("/admin/citizens/[citizen-id]", activity.GetTagItem("url.path"));
        Assert.Equal("citizen/[citizen-id]", activity.GetTagItem("rpc.orleans.target_id"));
        Assert.Equal("GET", activity.GetTagItem("http.request.method"));
        Assert.Equal(5080, activity.GetTagItem("server.port"));
        Assert.Equal("ICitizenGrain/GetAsync citizen/[citizen-id]", activity.DisplayName);
    }
}
