using System.Diagnostics.CodeAnalysis;

namespace OrleansHub.Host.Security;

/// <summary>Reads <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
public static class BearerToken
{
    private const string Prefix = "Bearer ";

    /// <summary>The bearer token of the request, when there is exactly one well-formed Authorization header.</summary>
    public static bool TryRead(HttpRequest request, [NotNullWhen(true)] out string? token)
    {
        token = null;
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = header[Prefix.Length..].Trim();
        return token.Length > 0;
    }
}
