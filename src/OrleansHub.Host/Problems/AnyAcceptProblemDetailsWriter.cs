using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace OrleansHub.Host.Problems;

/// <summary>
/// Writes problem+json whatever the request's <c>Accept</c> header says. The framework's writer declines a request that
/// accepts neither JSON nor problem+json (a browser's <c>Accept: text/html</c>), and a declined
/// <see cref="IProblemDetailsService.WriteAsync"/> throws, which turned every 401 for such a request into a 500. Registered
/// after the framework's writer, so it only answers what that one declines.
/// </summary>
internal sealed class AnyAcceptProblemDetailsWriter(IOptions<ProblemDetailsOptions> problems, IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        context.ProblemDetails.Status ??= response.StatusCode;
        problems.Value.CustomizeProblemDetails?.Invoke(context);
        var typeInfo = json.Value.SerializerOptions.GetTypeInfo(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails));
        return new ValueTask(response.WriteAsJsonAsync(context.ProblemDetails, typeInfo, "application/problem+json", context.HttpContext.RequestAborted));
    }
}
