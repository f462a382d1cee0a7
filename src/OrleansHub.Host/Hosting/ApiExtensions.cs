using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;
using Scalar.AspNetCore;

namespace OrleansHub.Host.Hosting;

/// <summary>The HTTP surface's shared behaviour: strict JSON, problem+json errors, the OpenAPI document.</summary>
public static class ApiExtensions
{
    public static WebApplicationBuilder AddHubApi(this WebApplicationBuilder builder)
    {
        builder.UseDefaultUrlsWhenNoneNamed();
        // Read once at start: a bad value stops the start-up.
        var limits = RequestLimits.From(builder.Configuration);
        builder.Services.AddSingleton(limits);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Bulk endpoints that stream (the import) raise the body limit for themselves.
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.ServerHeaderBytes;
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
            json.MaxDepth = limits.MaxJsonDepth;
            json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        });
        // Malformed bodies raise BadHttpRequestException, which the exception handler maps to a specific problem type.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddHubProblemDetails();
        builder.Services.AddOpenApi(OpenApiContract.Configure);
        return builder;
    }

    public static WebApplication UseHubApi(this WebApplication app)
    {
        // Built now so a misconfigured credential stops the start-up instead of failing the first request.
        app.Services.GetRequiredService<AdminCredentials>();
        app.UseExceptionHandler();
        app.UseHubStatusCodePages();
        app.UseRequestHeaderLimit(app.Services.GetRequiredService<RequestLimits>());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseUtf8RequestBodies();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs").AllowAnonymous();
        app.MapProblemTypeDocs();
        return app;
    }
}
