using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Hosting;

/// <summary>
/// Request bodies are read as UTF-8 only (JSON is UTF-8 by RFC 8259 §8.1; the import's NDJSON and CSV are read as UTF-8
/// too): a <c>charset</c> parameter naming anything else (<c>utf-7</c>, <c>utf-16</c>, <c>latin1</c>, a name no one knows,
/// an empty value) is refused <c>415 unsupported-media-type</c> before the endpoint binds the body. Without this, the
/// framework's JSON reader threw on a charset it cannot decode and the request ended in a 500. Runs after authorization,
/// so on the agency API the refusal is audited for the calling agency like the framework's own 415s.
/// </summary>
public static class RequestCharset
{
    /// <summary>The only <c>charset</c> a request body may declare (any letter case, quoted or not), or none at all.</summary>
    public const string Accepted = "utf-8";

    public static IApplicationBuilder UseUtf8RequestBodies(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (UnacceptedCharset(http) is not { } declared)
        {
            await next(http);
            return;
        }

        var (type, auditId) = http.RequestServices.GetService<IRefusalRecorder>() is { } recorder
            ? await recorder.RecordAsync(http, ProblemTypes.UnsupportedMediaType)
            : (ProblemTypes.UnsupportedMediaType, null);
        http.Response.StatusCode = type.Status;
        var problem = new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Type = type.Uri, Title = type.Title, Status = type.Status,
                Detail = type == ProblemTypes.UnsupportedMediaType
                    ? $"Request bodies are read as UTF-8 only; the Content-Type declares charset '{Shorten(declared)}'. Send charset=utf-8 or no charset."
                    : type.Description,
            },
        };
        if (auditId is not null)
        {
            problem.ProblemDetails.Extensions[ProblemExtensions.AuditId] = auditId;
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(problem);
    });

    /// <summary>
    /// The charset the request's Content-Type declares when the endpoint reads a body and it is not UTF-8; null otherwise
    /// (no endpoint, no body, no Content-Type, no charset, or UTF-8). A Content-Type that does not parse is left to the
    /// endpoint, which refuses it as a media type it does not accept.
    /// </summary>
    internal static string? UnacceptedCharset(HttpContext http)
    {
        var contentType = http.Request.ContentType;
        if (string.IsNullOrEmpty(contentType) || http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is null
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return null;
        }

        string? unaccepted = null;
        foreach (var parameter in mediaType.Parameters)
        {
            // Every charset parameter counts: a second one must not smuggle past the first.
            if (parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                var value = HeaderUtilities.RemoveQuotes(parameter.Value).ToString();
                if (!value.Equals(Accepted, StringComparison.OrdinalIgnoreCase))
                {
                    unaccepted ??= value;
                }
            }
        }

        return unaccepted;
    }

    private static string Shorten(string charset)
    {
        // Echo only a short, printable rendering of what the caller sent (it is the caller's own text, not personal data).
        var printable = new string([.. charset.Where(c => c is >= ' ' and <= '~').Take(40)]);
        return printable.Length == 0 ? "(empty)" : printable;
    }
}
