using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// Runs before the trace exporter and applies <see cref="CitizenIdRedaction"/> to each finished span, as
/// <see cref="RedactingLoggerProvider"/> does to logs: Orleans' grain-call targets and sources (<c>citizen/{id}</c>,
/// <c>card/{number}</c>) and the span names built from them (exception events are redacted as they are added, by
/// <see cref="ExceptionEventRedaction"/>). A request's path (<c>url.path</c>) is replaced by its route template (<c>http.route</c>), which holds no value;
/// a path no route matched keeps only its segments of letters, hyphens and an API version, so neither a citizen ID with
/// a digit more, a card number nor any other value a caller put in the path leaves the process.
/// </summary>
public sealed partial class RedactingActivityProcessor : BaseProcessor<Activity>
{
    public const string RedactedSegment = "[redacted]";

    public override void OnEnd(Activity data)
    {
        if (data.GetTagItem("url.path") is string path)
        {
            data.SetTag("url.path", data.GetTagItem("http.route") is string { Length: > 0 } route ? route : RedactPath(path));
        }

        data.DisplayName = CitizenIdRedaction.Redact(data.DisplayName);
        foreach (var (key, value) in data.Tags.ToList())
        {
            if (value is not null && CitizenIdRedaction.Redact(value) is var redacted && !ReferenceEquals(redacted, value))
            {
                data.SetTag(key, redacted);
            }
        }
    }

    /// <summary>A path no route matched: each segment that is not letters and hyphens, or an API version (v1), is replaced.</summary>
    public static string RedactPath(string path) =>
        string.Join('/', path.Split('/').Select(segment => segment.Length == 0 || PlainSegment().IsMatch(segment) ? segment : RedactedSegment));

    [GeneratedRegex("^(?:[A-Za-z-]+|v[0-9]{1,2})\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainSegment();
}
