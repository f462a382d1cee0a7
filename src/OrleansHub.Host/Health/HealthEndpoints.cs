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
        // GET and HEAD only: the health-check middleware answers any method, and a probe has no business with the others.
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().WithMetadata(new HttpMethodMetadata(methods));
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous()
            .WithMetadata(new HttpMethodMetadata(methods));
        return app;
    }
}
