using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Hosting;

/// <summary>
/// Bounds on what one request may make the hub read (section <c>Hub:Limits</c>). Each is refused with its own problem type
/// before any endpoint runs; the README's "Limits" section lists them.
/// </summary>
public sealed class RequestLimits
{
    public const string Section = "Hub:Limits";

    /// <summary>Largest request body, in bytes (the bulk import lifts it for itself): beyond it <c>413 payload-too-large</c>.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest total size of the request's header lines, in bytes: beyond it <c>431 request-headers-too-large</c>.</summary>
    public int MaxRequestHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>Deepest nesting of a JSON body (arrays and objects): beyond it <c>400 malformed-request</c>.</summary>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>
    /// Kestrel's own header limit, a multiple of <see cref="MaxRequestHeaderBytes"/>: between the two the hub answers with
    /// problem+json; only past this does Kestrel cut the connection with a bare 431 (it answers before the application).
    /// </summary>
    public int ServerHeaderBytes => checked(MaxRequestHeaderBytes * 4);

    public static RequestLimits From(IConfiguration configuration)
    {
        var limits = configuration.GetSection(Section).Get<RequestLimits>() ?? new RequestLimits();
        if (limits.MaxRequestBodyBytes < 1024 || limits.MaxRequestHeaderBytes < 4096 || limits.MaxJsonDepth is < 4 or > 256)
        {
            throw new InvalidOperationException(
                $"{Section}: MaxRequestBodyBytes must be at least 1024, MaxRequestHeaderBytes at least 4096 and MaxJsonDepth 4 to 256.");
        }

        return limits;
    }
}

/// <summary>Refuses a request whose headers exceed <see cref="RequestLimits.MaxRequestHeaderBytes"/> with a 431 problem.</summary>
public static class RequestHeaderLimit
{
    public static IApplicationBuilder UseRequestHeaderLimit(this IApplicationBuilder app, RequestLimits limits) => app.Use(async (http, next) =>
    {
        long size = 0;
        foreach (var (name, values) in http.Request.Headers)
        {
            foreach (var value in values)
            {
                // As on the wire: "name: value\r\n".
                size += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        if (size <= limits.MaxRequestHeaderBytes)
        {
            await next(http);
            return;
        }

        var type = ProblemTypes.RequestHeadersTooLarge;
        http.Response.StatusCode = type.Status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Type = type.Uri, Title = type.Title, Status = type.Status,
                Detail = $"The request's headers take {size} bytes; the limit is {limits.MaxRequestHeaderBytes}.",
            },
        });
    });
}
