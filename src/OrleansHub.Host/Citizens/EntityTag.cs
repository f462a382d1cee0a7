using Microsoft.Net.Http.Headers;

namespace OrleansHub.Host.Citizens;

/// <summary>Record versions as HTTP entity tags: version 7 is <c>"7"</c>.</summary>
public static class EntityTag
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>Reads <c>If-Match</c>: no header is null (unconditional); a malformed one is an error.</summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return true;
        }

        // "*" and weak tags are refused: a write must name the exact version it was based on.
        if (values.Count != 1 || !EntityTagHeaderValue.TryParse(values[0], out var tag) || tag.IsWeak || tag.Tag.Length < 3 ||
            !long.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), System.Globalization.NumberStyles.None, null, out var parsed))
        {
            return false;
        }

        version = parsed;
        return true;
    }
}
