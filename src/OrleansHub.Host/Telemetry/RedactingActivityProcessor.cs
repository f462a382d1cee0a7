using System.Diagnostics;
using OpenTelemetry;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// Runs before the trace exporter and applies <see cref="CitizenIdRedaction"/> to each finished span, as
/// <see cref="RedactingLoggerProvider"/> does to logs: request paths (<c>url.path</c> of <c>/admin/citizens/{id}</c>),
/// Orleans' grain-call targets (<c>citizen/{id}</c>) and the span names built from them.
/// </summary>
public sealed class RedactingActivityProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        data.DisplayName = CitizenIdRedaction.Redact(data.DisplayName);
        foreach (var (key, value) in data.Tags.ToList())
        {
            if (value is not null && CitizenIdRedaction.Redact(value) is var redacted && !ReferenceEquals(redacted, value))
            {
                data.SetTag(key, redacted);
            }
        }
    }
}
