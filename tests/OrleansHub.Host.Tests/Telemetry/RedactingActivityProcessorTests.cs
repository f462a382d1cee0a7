using System.Diagnostics;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Tests.Telemetry;

/// <summary>Spans exported over OTLP carry no citizen ID numbers, card numbers or request path values.</summary>
public sealed class RedactingActivityProcessorTests
{
    [Fact]
    public void FinishedSpan_WithACitizenInItsPathAndGrainTarget_IsRedactedBeforeExport()
    {
        using var activity = new Activity("GET /admin/citizens/001090001234");
        activity.SetTag("url.path", "/admin/citizens/001090001234");
        activity.SetTag("rpc.orleans.target_id", "citizen/001090001234");
        activity.SetTag("orleans.rpc.source_id", "card/CC0123456789");
        activity.SetTag("http.request.method", "GET");
        activity.SetTag("server.port", 5080);
        activity.DisplayName = "ICitizenGrain/GetAsync citizen/001090001234";

        new RedactingActivityProcessor().OnEnd(activity);

        Assert.Equal("/admin/citizens/[redacted]", activity.GetTagItem("url.path"));
        Assert.Equal("citizen/[citizen-id]", activity.GetTagItem("rpc.orleans.target_id"));
        Assert.Equal("card/[card-number]", activity.GetTagItem("orleans.rpc.source_id"));
        Assert.Equal("GET", activity.GetTagItem("http.request.method"));
        Assert.Equal(5080, activity.GetTagItem("server.port"));
        Assert.Equal("ICitizenGrain/GetAsync citizen/[citizen-id]", activity.DisplayName);
    }

    [Theory]
    // A citizen ID with a digit more is no 12-digit run, and a card number has no shape of its own: the route stands in.
    [InlineData("/admin/citizens/0010900012345", "/admin/citizens/{id}", "/admin/citizens/{id}")]
    [InlineData("/admin/cards/CC0123456789/lost", "/admin/cards/{number}/lost", "/admin/cards/{number}/lost")]
    // No route matched: only plain words and the API version are kept.
    [InlineData("/v1/citizens/0010900012345", null, "/v1/citizens/[redacted]")]
    [InlineData("/v1/people/Nguy%E1%BB%85n", null, "/v1/people/[redacted]")]
    [InlineData("/health/ready", null, "/health/ready")]
    public void FinishedSpan_RequestPath_KeepsNoValue(string path, string? route, string expected)
    {
        using var activity = new Activity("GET");
        activity.SetTag("url.path", path);
        if (route is not null)
        {
            activity.SetTag("http.route", route);
        }

        new RedactingActivityProcessor().OnEnd(activity);

        Assert.Equal(expected, activity.GetTagItem("url.path"));
    }

    [Fact]
    public void ExceptionEvent_NamingACitizenAndACard_IsAddedRedacted()
    {
        using var source = new ActivitySource($"OrleansHub.Tests.{Guid.NewGuid():N}");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ExceptionRecorder = ExceptionEventRedaction.Record,
        };
        ActivitySource.AddActivityListener(listener);
        using var activity = source.StartActivity("INSERT")!;

        activity.AddException(new InvalidOperationException("row for citizen 001090001234 and card/CC0123456789 refused"));

        var tags = Assert.Single(activity.Events).Tags.ToDictionary(t => t.Key, t => t.Value as string);
        Assert.Equal("row for citizen [citizen-id] and card/[card-number] refused", tags[ExceptionEventRedaction.MessageTag]);
        Assert.DoesNotContain("001090001234", tags[ExceptionEventRedaction.StackTraceTag], StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", tags[ExceptionEventRedaction.StackTraceTag], StringComparison.Ordinal);
        Assert.Equal(typeof(InvalidOperationException).ToString(), tags["exception.type"]);
        Assert.Equal(3, tags.Count);
    }
}
