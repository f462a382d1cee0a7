using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// Metrics through OpenTelemetry, exposed for Prometheus at <c>/metrics</c>; structured logs (JSON lines outside
/// development); traces from HTTP through grain calls, exported over OTLP when an endpoint is configured.
/// </summary>
public static class TelemetryExtensions
{
    public const string ServiceName = "orleanshub";

    /// <summary>OTLP endpoint for traces (e.g. http://collector:4317); no endpoint, no trace export.</summary>
    public const string OtlpEndpointSetting = "Hub:Telemetry:OtlpEndpoint";

    /// <summary>The activity sources whose spans are exported: HTTP requests, grain calls, database commands.</summary>
    public static readonly IReadOnlyList<string> TracedSources = ["Microsoft.AspNetCore", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Npgsql"];

    public static WebApplicationBuilder AddHubTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddHubLogging();
        builder.Services.AddSingleton<HubInstruments>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddMeter(HubInstruments.MeterName, "Microsoft.Orleans", "Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        if (builder.Configuration[OtlpEndpointSetting] is { Length: > 0 } endpoint)
        {
            builder.Services.AddHostedService<ExceptionEventRedaction>();
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsPlumbing(http.Request.Path))
                // Orleans' grain-call spans, parented to the HTTP request's span (see AddActivityPropagation on the silo).
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddSource("Npgsql")
                // Before the exporter: spans leave the process without citizen ID numbers.
                .AddProcessor(new RedactingActivityProcessor())
                .AddOtlpExporter(o => o.Endpoint = new Uri(endpoint)));
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapHubMetrics(this IEndpointRouteBuilder app)
    {
        // Scraped by Prometheus on the cluster network; it carries no personal data by construction (labels are bounded).
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }

    /// <summary>
    /// JSON lines (one object per entry, with scopes: trace and span IDs, request ID) for log collectors in production;
    /// single readable lines in development. Messages come from [LoggerMessage] templates that name no citizen.
    /// </summary>
    private static void AddHubLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Logging.AddPersonalDataFilters(builder.Configuration);
        builder.Services.AddTransient<IStartupFilter, RequestLogScope>();
        builder.Services.AddHostedService<RequestActivities>();
        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        // Whatever the framework writes goes through the redaction of citizen ID numbers on its way to the console.
        var console = builder.Services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        builder.Services.Remove(console);
        builder.Services.AddSingleton<ILoggerProvider>(sp => new RedactingLoggerProvider(ActivatorUtilities.CreateInstance<ConsoleLoggerProvider>(sp)));
    }

    /// <summary>
    /// Citizen ID numbers are in request paths (<c>/admin/citizens/{id}</c>) and in grain IDs (<c>citizen/{id}</c>), and the
    /// framework logs both: ASP.NET Core's request lines and its <c>RequestPath</c> scope (on every entry written during a
    /// request, at any level, once scopes are written), routing's debug lines, and Orleans' debug and trace lines. These rules
    /// come after the configuration's, so they win over a <c>Logging:LogLevel</c> entry for the same category: turning
    /// <c>Default</c> or <c>Orleans</c> up to Trace does not bring those lines back. <see cref="RequestLogScope"/> puts the
    /// request ID back and <see cref="RequestActivities"/> keeps the trace and span IDs.
    /// (A more specific category in configuration, e.g. <c>Orleans.Runtime.Placement</c>, still overrides them: a
    /// deliberate, visible choice for troubleshooting, which then writes citizen IDs.)
    /// </summary>
    private static void AddPersonalDataFilters(this ILoggingBuilder logging, IConfiguration configuration)
    {
        // None, not Warning: the request scope is only created while this category is enabled at some level.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        foreach (var category in new[] { "Microsoft.AspNetCore.Routing", "Orleans" })
        {
            var configured = ConfiguredLevel(configuration, category);
            logging.AddFilter(category, configured > LogLevel.Information ? configured : LogLevel.Information);
        }
    }

    /// <summary>The level configuration sets for <paramref name="category"/>: its own entry, else its nearest parent's, else Default.</summary>
    private static LogLevel ConfiguredLevel(IConfiguration configuration, string category)
    {
        var levels = configuration.GetSection("Logging:LogLevel");
        for (var name = category; name.Length > 0; name = name.LastIndexOf('.') is > 0 and var dot ? name[..dot] : "")
        {
            if (Enum.TryParse<LogLevel>(levels[name], ignoreCase: true, out var level))
            {
                return level;
            }
        }

        return Enum.TryParse<LogLevel>(levels["Default"], ignoreCase: true, out var fallback) ? fallback : LogLevel.Information;
    }

    /// <summary>Scrapes and probes: traced, they would drown the requests worth looking at.</summary>
    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/health", StringComparison.Ordinal);
}
