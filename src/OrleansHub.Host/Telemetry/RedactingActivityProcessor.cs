using System.Diagnostics;
using OpenTelemetry;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// Runs before the trace exporter and replaces personal ID numbers in each finished span, as
/// <see cref="RedactingLoggerProvider"/> does for logs: request paths (<c>url.path</c> of <c>/admin/citizens/{id}</c>),
/// Orleans' grain-call targets (<c>citizen/{id}</c>) and the span names built from them.
/// </summary>
public sealed class RedactingActivityProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        data.DisplayName = RedactingLoggerProvider.Redact(data.DisplayName);
        foreach (var (key, value) in data.Tags.ToList())
        {
            if (value is not null && RedactingLoggerProvider.Redact(value) is var redacted && !ReferenceEquals(redacted, value))
            {
                data.SetTag(key, redacted);
            }
        }
    }
}
