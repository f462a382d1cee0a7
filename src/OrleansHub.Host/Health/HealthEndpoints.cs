using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Health;

/// <summary>Liveness (the process runs) and readiness (silo joined and database answers), open to probes without credentials.</summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddHubHealthChecks(this WebApplicationBuilder builder)
    {
        var checks = builder.Services.AddHealthChecks().AddCheck<SiloReadyHealthCheck>("silo", tags: [ReadyTag]);
        if (builder.Configuration.GetStorageMode() == StorageMode.Postgres)
        {
            checks.AddCheck<PostgresHealthCheck>("postgres", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3));
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapHubHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return app;
    }
}
