namespace OrleansHub.Host.Security;

/// <summary>
/// Which authentication scheme serves each API's path prefix (the agency API's <c>/v1</c>, the citizen API's <c>/me</c>).
/// The default (admin) scheme hands a request under such a prefix to that scheme, so the framework's own answers there
/// (404, 405, 415, which carry no policy) authenticate and challenge the way the API does. Prefixes match in any letter
/// case, as routing does. Each API registers its own prefix.
/// </summary>
public sealed class ApiSchemeOptions
{
    private readonly List<(PathString Prefix, string Scheme)> _prefixes = [];

    public void Add(PathString prefix, string scheme) => _prefixes.Add((prefix, scheme));

    /// <summary>The scheme for the request's path, or null for the admin scheme itself.</summary>
    public string? SchemeFor(HttpContext http)
    {
        foreach (var (prefix, scheme) in _prefixes)
        {
            if (http.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return scheme;
            }
        }

        return null;
    }
}
