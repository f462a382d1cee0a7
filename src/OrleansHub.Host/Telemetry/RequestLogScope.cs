namespace OrleansHub.Host.Telemetry;

/// <summary>
/// Puts the request's ID (the <c>traceId</c> a problem answer carries when no trace is running) on every log entry written
/// during the request. It stands in for ASP.NET Core's own request scope, which also carries the request path (and so
/// citizen ID numbers) and is switched off with its category (see <see cref="TelemetryExtensions"/>).
/// </summary>
public sealed class RequestLogScope(ILoggerFactory loggers) : IStartupFilter
{
    private readonly ILogger _logger = loggers.CreateLogger("OrleansHub.Requests");

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, nextMiddleware) =>
        {
            using (_logger.BeginScope(new KeyValuePair<string, object?>[] { new("RequestId", http.TraceIdentifier) }))
            {
                await nextMiddleware(http);
            }
        });
        next(app);
    };
}
