using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;
using Scalar.AspNetCore;

namespace OrleansHub.Host.Hosting;

/// <summary>The HTTP surface's shared behaviour: strict JSON, problem+json errors, the OpenAPI document.</summary>
public static class ApiExtensions
{
    /// <summary>Largest request body any endpoint accepts; bulk endpoints that stream may raise it for themselves.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddHubApi(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            var json = options.SerializerOptions;
            // A misspelt or unexpected member is an error, not silently ignored: it would otherwise lose the caller's data.
            json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.RespectNullableAnnotations = true;
            json.AllowDuplicateProperties = false;
            json.RespectRequiredConstructorParameters = true;
            json.NumberHandling = JsonNumberHandling.Strict;
            json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        });
        // Malformed bodies raise BadHttpRequestException, which the exception handler maps to a specific problem type.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddHubProblemDetails();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication UseHubApi(this WebApplication app)
    {
        // Built now so a misconfigured credential stops the start-up instead of failing the first request.
        app.Services.GetRequiredService<AdminCredentials>();
        app.UseExceptionHandler();
        app.UseHubStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs").AllowAnonymous();
        app.MapProblemTypeDocs();
        return app;
    }
}
