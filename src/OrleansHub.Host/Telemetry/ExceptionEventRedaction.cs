using System.Diagnostics;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// Applies <see cref="CitizenIdRedaction"/> to the <c>exception</c> events libraries add to the spans the hub exports
/// (<see cref="Activity.AddException"/>: Npgsql does for a failed command), as they are added: an event cannot be edited
/// once it is on a span, so <see cref="RedactingActivityProcessor"/> could not reach it. The listener's exception recorder
/// supplies <c>exception.message</c> and <c>exception.stacktrace</c> itself, redacted, and the runtime then adds no
/// unredacted copy. It samples nothing: whether a span is recorded stays the exporter's decision.
/// </summary>
public sealed class ExceptionEventRedaction : IHostedService, IDisposable
{
    public const string MessageTag = "exception.message";
    public const string StackTraceTag = "exception.stacktrace";

    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => TelemetryExtensions.TracedSources.Contains(source.Name, StringComparer.Ordinal),
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
        ExceptionRecorder = Record,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    /// <summary>Redacts the tags a caller passed, and adds the message and stack trace redacted unless the caller gave them.</summary>
    public static void Record(Activity activity, Exception exception, ref TagList tags)
    {
        var (hasMessage, hasStackTrace) = (false, false);
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = tags[i];
            hasMessage |= tag.Key == MessageTag;
            hasStackTrace |= tag.Key == StackTraceTag;
            if (tag.Value is string text && CitizenIdRedaction.Redact(text) is var redacted && !ReferenceEquals(redacted, text))
            {
                tags[i] = KeyValuePair.Create(tag.Key, (object?)redacted);
            }
        }

        if (!hasMessage)
        {
            tags.Add(MessageTag, CitizenIdRedaction.Redact(exception.Message));
        }

        if (!hasStackTrace)
        {
            tags.Add(StackTraceTag, CitizenIdRedaction.Redact(exception.ToString()));
        }
    }
}
