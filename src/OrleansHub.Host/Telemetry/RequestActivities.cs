using System.Diagnostics;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// Keeps ASP.NET Core starting an activity for every request, which it otherwise does only while its hosting log category,
/// a diagnostic listener or an activity listener is on. The hosting category is off (it logs request paths, see
/// <see cref="TelemetryExtensions"/>), so without this a request with no trace export would have no activity: the caller's
/// <c>traceparent</c> would not reach the grain calls, and log entries would lose their trace and span IDs. Propagation
/// data only: nothing is recorded.
/// </summary>
public sealed class RequestActivities : IHostedService, IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
