using Microsoft.AspNetCore.Diagnostics;
using OrleansHub.Host.Audit;

namespace OrleansHub.Host.Problems;

/// <summary>Makes every error response problem+json with a documented type, whoever produced it.</summary>
public static partial class ProblemHandling
{
    public static IServiceCollection AddHubProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                var type = ProblemTypes.ForStatus(status);
                problem.Type = type.Uri;
                problem.Title = type.Title;
                problem.Detail ??= type.Description;
            }

            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<HubExceptionHandler>();
        return services;
    }

    /// <summary>Serves a short page per problem type so each <c>type</c> URI dereferences to its meaning.</summary>
    public static IEndpointRouteBuilder MapProblemTypeDocs(this IEndpointRouteBuilder app)
    {
        app.MapGet(ProblemTypes.Prefix + "{slug}", (string slug) =>
                ProblemTypes.All.FirstOrDefault(t => t.Slug == slug) is { } type
                    ? Results.Text($"{type.Title}\n\nHTTP {type.Status}. {type.Description}\n", "text/plain; charset=utf-8")
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound))
            .WithName("GetProblemType").WithSummary("Describes one problem type").WithTags("Problems")
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}

/// <summary>
/// Turns framework exceptions about bad requests into 4xx problems, and anything else into a 500 that carries
/// only a trace ID: exception text may hold personal data and never reaches the client.
/// </summary>
internal sealed partial class HubExceptionHandler(IProblemDetailsService problems, ILogger<HubExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemType type;
        string? detail = null;
        if (exception is BadHttpRequestException badRequest)
        {
            type = badRequest.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => ProblemTypes.PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType => ProblemTypes.UnsupportedMediaType,
                _ => ProblemTypes.MalformedRequest,
            };
            // The framework's message names the parameter and the JSON path, never the submitted values.
            detail = badRequest.InnerException is System.Text.Json.JsonException json
                ? $"The body is not valid JSON of the expected shape (at {json.Path ?? "$"})."
                : badRequest.Message;
        }
        else if (exception is AuditUnavailableException)
        {
            // Audit before answer: the decision could not be recorded, so the data it covers is not sent.
            type = ProblemTypes.AuditUnavailable;
            httpContext.Response.Headers.RetryAfter = "1";
            LogUnavailable(exception.GetType().Name, httpContext.Request.Method, httpContext.GetEndpoint()?.DisplayName ?? "(no endpoint)");
        }
        else if (IsTransientClusterFailure(exception))
        {
            // A silo died or the cluster is reconfiguring: the call may succeed on retry once membership settles.
            type = ProblemTypes.Unavailable;
            httpContext.Response.Headers.RetryAfter = "1";
            LogUnavailable(exception.GetType().Name, httpContext.Request.Method, httpContext.GetEndpoint()?.DisplayName ?? "(no endpoint)");
        }
        else
        {
            type = ProblemTypes.Internal;
            // Type and stack only: exception messages (Orleans' name grain keys, i.e. ID numbers) may carry personal data.
            LogUnexpected(exception.GetType().FullName ?? "?", exception.StackTrace ?? "", httpContext.Request.Method, httpContext.GetEndpoint()?.DisplayName ?? "(no endpoint)");
        }

        httpContext.Response.StatusCode = type.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Type = type.Uri, Title = type.Title, Status = type.Status, Detail = detail ?? type.Description },
        });
    }

    private static bool IsTransientClusterFailure(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or Orleans.Storage.InconsistentStateException
            || (exception is OrleansException && exception.InnerException is { } inner && IsTransientClusterFailure(inner));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dependency unavailable ({Failure}) serving {Method} {Endpoint}")]
    private partial void LogUnavailable(string failure, string method, string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected {Failure} serving {Method} {Endpoint} at {StackTrace}")]
    private partial void LogUnexpected(string failure, string stackTrace, string method, string endpoint);
}
