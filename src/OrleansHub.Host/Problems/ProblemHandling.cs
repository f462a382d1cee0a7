using Microsoft.AspNetCore.Diagnostics;

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
        services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemDetailsWriter>();
        services.AddExceptionHandler<HubExceptionHandler>();
        return services;
    }

    /// <summary>
    /// Writes the problem+json for a response the framework ended with a bare error status: a body over the size limit
    /// (413), a content type the endpoint does not accept (415), no such route or method. On the agency API the body
    /// refusals (400, 413, 415) are audited first, like those the exception handler answers.
    /// </summary>
    public static IApplicationBuilder UseHubStatusCodePages(this IApplicationBuilder app) => app.UseStatusCodePages(async context =>
    {
        var http = context.HttpContext;
        var refusal = ProblemTypes.ForStatus(http.Response.StatusCode);
        if (refusal.Status == http.Response.StatusCode
            && (refusal == ProblemTypes.MalformedRequest || refusal == ProblemTypes.PayloadTooLarge || refusal == ProblemTypes.UnsupportedMediaType))
        {
            await RefuseUnreadBodyAsync(http, refusal);
            return;
        }

        // The type, title and detail follow from the status (CustomizeProblemDetails).
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(
            new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = http.Response.StatusCode } });
    });

    /// <summary>
    /// Refuses a request whose body its endpoint never read (malformed, too large, a media type or charset it does not
    /// accept): records the refusal through the API's <see cref="IRefusalRecorder"/> (the agency API audits it), then
    /// writes the problem with its <c>auditId</c>, or <c>503 audit-unavailable</c> (without <paramref name="detail"/>)
    /// when the record could not be kept. The one path for the status-code pages, the exception handler and the charset check.
    /// </summary>
    internal static async ValueTask<bool> RefuseUnreadBodyAsync(HttpContext http, ProblemType refusal, string? detail = null, Exception? exception = null)
    {
        var (type, auditId) = http.RequestServices.GetService<IRefusalRecorder>() is { } recorder
            ? await recorder.RecordAsync(http, refusal)
            : (refusal, null);
        http.Response.StatusCode = type.Status;
        var problem = new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails =
            {
                Type = type.Uri, Title = type.Title, Status = type.Status,
                Detail = type == refusal ? detail ?? type.Description : type.Description,
            },
        };
        if (auditId is not null)
        {
            problem.ProblemDetails.Extensions[ProblemExtensions.AuditId] = auditId;
        }

        return await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(problem);
    }

    /// <summary>Serves a short page per problem type so each <c>type</c> URI dereferences to its meaning.</summary>
    public static IEndpointRouteBuilder MapProblemTypeDocs(this IEndpointRouteBuilder app)
    {
        app.MapGet(ProblemTypes.Prefix + "{slug}", (string slug) =>
                ProblemTypes.All.FirstOrDefault(t => t.Slug == slug) is { } type
                    ? Results.Text($"{type.Title}\n\nHTTP {type.Status}. {type.Description}\n", "text/plain; charset=utf-8")
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound))
            .WithName("GetProblemType").WithSummary("Describes one problem type").WithTags("Problems")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .AllowAnonymous();
        return app;
    }
}

/// <summary>
/// Turns framework exceptions about bad requests into 4xx problems, and anything else into a 500 that carries
/// only a trace ID: exception text may hold personal data and never reaches the client. A body the agency API could not
/// read (malformed, too large, wrong content type) is refused before its endpoint runs, so it is recorded here, through
/// the API's <see cref="IRefusalRecorder"/> (the agency API audits it like every other refusal), before the answer is written.
/// </summary>
internal sealed partial class HubExceptionHandler(IProblemDetailsService problems, ILogger<HubExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemType type;
        if (exception is BadHttpRequestException badRequest)
        {
            type = badRequest.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => ProblemTypes.PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType => ProblemTypes.UnsupportedMediaType,
                _ => ProblemTypes.MalformedRequest,
            };
            // The framework's message names the parameter and the JSON path, never the submitted values.
            var detail = badRequest.InnerException is System.Text.Json.JsonException json
                ? $"The body is not valid JSON of the expected shape (at {json.Path ?? "$"})."
                : badRequest.Message;
            return await ProblemHandling.RefuseUnreadBodyAsync(httpContext, type, detail, exception);
        }

        if (exception is AuditUnavailableException)
        {
            // Audit before answer: the decision could not be recorded, so the data it covers is not sent.
            type = ProblemTypes.AuditUnavailable;
            httpContext.Response.Headers.RetryAfter = "1";
            LogUnavailable(exception.GetType().Name, httpContext.Request.Method, EndpointName(httpContext));
        }
        else if (IsTransientClusterFailure(exception))
        {
            // A silo died or the cluster is reconfiguring: the call may succeed on retry once membership settles.
            type = ProblemTypes.Unavailable;
            httpContext.Response.Headers.RetryAfter = "1";
            LogUnavailable(exception.GetType().Name, httpContext.Request.Method, EndpointName(httpContext));
        }
        else
        {
            type = ProblemTypes.Internal;
            // Type and stack only: exception messages (Orleans' name grain keys, i.e. ID numbers) may carry personal data.
            LogUnexpected(exception.GetType().FullName ?? "?", exception.StackTrace ?? "", httpContext.Request.Method, EndpointName(httpContext));
        }

        httpContext.Response.StatusCode = type.Status;
        var context = new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Type = type.Uri, Title = type.Title, Status = type.Status, Detail = type.Description },
        };
        return await problems.TryWriteAsync(context);
    }

    /// <summary>The failed endpoint's name: the exception handler has already cleared it from the request, but keeps it in its feature.</summary>
    private static string EndpointName(HttpContext httpContext) =>
        (httpContext.GetEndpoint() ?? httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint)?.DisplayName ?? "(no endpoint)";

    private static bool IsTransientClusterFailure(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or Orleans.Storage.InconsistentStateException
            or Npgsql.NpgsqlException
            || (exception is OrleansException && exception.InnerException is { } inner && IsTransientClusterFailure(inner));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dependency unavailable ({Failure}) serving {Method} {Endpoint}")]
    private partial void LogUnavailable(string failure, string method, string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected {Failure} serving {Method} {Endpoint} at {StackTrace}")]
    private partial void LogUnexpected(string failure, string stackTrace, string method, string endpoint);
}
