using Microsoft.AspNetCore.Authentication;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// The agency API (<c>/v1</c>), declared once: the agency scheme, the calling agency resolved once per request
/// (<see cref="CallingAgency"/>), and one pipeline (<see cref="AgencyPipelineFilter"/>: suspension, quota, idempotency,
/// timing, the refusal audit) for every endpoint. Features add their endpoints to <see cref="AgencyApiRoutes"/>; none
/// re-creates any of it.
/// </summary>
public static class AgencyApiGroup
{
    /// <summary>The path prefix of the agency API; matched in any letter case, as routing does.</summary>
    public const string Prefix = "/v1";

    public static WebApplicationBuilder AddAgencyApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AgencyApiOptions>().BindConfiguration(AgencyApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Configuration.GetStorageMode() == StorageMode.Postgres)
        {
            services.AddSingleton<IRefusalTallyStore, PostgresRefusalTallyStore>();
            services.AddSingleton<IIdempotencyStore, PostgresIdempotencyStore>();
        }
        else
        {
            services.AddSingleton<IRefusalTallyStore, InMemoryRefusalTallyStore>();
            services.AddSingleton<IIdempotencyStore, InMemoryIdempotencyStore>();
        }

        services.AddSingleton<UnauthenticatedRefusals>();
        services.AddHostedService(sp => sp.GetRequiredService<UnauthenticatedRefusals>());
        services.AddSingleton<RefusalAudit>();
        services.AddSingleton<IRefusalRecorder>(sp => sp.GetRequiredService<RefusalAudit>());
        services.AddSingleton<Idempotency>();
        services.AddHostedService<IdempotencyPurger>();
        services.AddSingleton<AgencyPipelineFilter>();

        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AgencyAuthenticationHandler>(AgencyAuthenticationHandler.SchemeName, null);
        // No schemes on the policy: the default scheme hands /v1 to the agency scheme, so the request is authenticated once.
        services.AddAuthorizationBuilder().AddPolicy(Roles.AgencyPolicy, p => p.RequireRole(Roles.Agency));
        services.Configure<ApiSchemeOptions>(o => o.Add(Prefix, AgencyAuthenticationHandler.SchemeName));
        return builder;
    }

    /// <summary>Maps the <c>/v1</c> group with its scheme and pipeline; features map their endpoints onto what it returns.</summary>
    public static AgencyApiRoutes MapAgencyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).RequireAuthorization(Roles.AgencyPolicy);
        group.AddEndpointFilterFactory((context, next) =>
        {
            // One filter instance for every request: nothing is resolved or allocated per request to run the pipeline.
            var pipeline = context.ApplicationServices.GetRequiredService<AgencyPipelineFilter>();
            return invocation => pipeline.InvokeAsync(invocation, next);
        });
        return new AgencyApiRoutes(group);
    }

    /// <summary>Whether the request is addressed to the agency API: one of its endpoints, or any path under <c>/v1</c> in any letter case.</summary>
    public static bool IsAgencyRequest(HttpContext http) =>
        AgencyOperation.Of(http.GetEndpoint()) is not null || http.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The agency API's route group: a feature maps its <c>/v1</c> endpoints here, each with its <see cref="AgencyOperation"/>.</summary>
public sealed class AgencyApiRoutes(RouteGroupBuilder group)
{
    public RouteHandlerBuilder MapGet(string pattern, Delegate handler) => group.MapGet(pattern, handler);

    public RouteHandlerBuilder MapPost(string pattern, Delegate handler) => group.MapPost(pattern, handler);

    public RouteHandlerBuilder MapPut(string pattern, Delegate handler) => group.MapPut(pattern, handler);

    public RouteHandlerBuilder MapDelete(string pattern, Delegate handler) => group.MapDelete(pattern, handler);
}
