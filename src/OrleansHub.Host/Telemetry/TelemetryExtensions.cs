using OpenTelemetry.Metrics;

namespace OrleansHub.Host.Telemetry;

/// <summary>Metrics through OpenTelemetry, exposed for Prometheus at <c>/metrics</c>.</summary>
public static class TelemetryExtensions
{
    public static WebApplicationBuilder AddHubTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HubInstruments>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(HubInstruments.MeterName, "Microsoft.Orleans", "Npgsql")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static IEndpointRouteBuilder MapHubMetrics(this IEndpointRouteBuilder app)
    {
        // Scraped by Prometheus on the cluster network; it carries no personal data by construction (labels are bounded).
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
