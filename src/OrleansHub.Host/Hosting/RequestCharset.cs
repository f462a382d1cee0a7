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
        if (!DeclaresOtherCharset(http))
        {
            UnquoteCharset(http.Request);
            await next(http);
            return;
        }

        await ProblemHandling.RefuseUnreadBodyAsync(http, ProblemTypes.UnsupportedMediaType,
            "Request bodies are read as UTF-8 only, and the Content-Type declares another charset. Send charset=utf-8 or no charset.");
    });

    /// <summary>
    /// Rewrites a quoted <c>charset="utf-8"</c> (the same value per RFC 9110) as a token: the framework's JSON reader would
    /// look up the quotes as part of the name and fail with a 500.
    /// </summary>
    private static void UnquoteCharset(HttpRequest request)
    {
        if (request.ContentType is { } contentType && contentType.Contains('"', StringComparison.Ordinal)
            && MediaTypeHeaderValue.TryParse(contentType, out var mediaType) && mediaType.Charset.HasValue
            && mediaType.Charset.AsSpan().StartsWith("\"", StringComparison.Ordinal))
        {
            mediaType.Charset = Accepted;
            request.ContentType = mediaType.ToString();
        }
    }

    /// <summary>
    /// Whether the endpoint reads a body and the request's Content-Type declares a charset other than UTF-8 (any of them,
    /// if several: a second must not smuggle past the first). False without an endpoint, a Content-Type or a charset. A
    /// Content-Type that does not parse is left to the endpoint, which refuses it as a media type it does not accept.
    /// </summary>
    internal static bool DeclaresOtherCharset(HttpContext http)
    {
        var contentType = http.Request.ContentType;
        if (string.IsNullOrEmpty(contentType) || http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is null
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        return mediaType.Parameters.Any(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)
            && !HeaderUtilities.RemoveQuotes(p.Value).Equals(Accepted, StringComparison.OrdinalIgnoreCase));
    }
}
