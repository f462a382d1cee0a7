using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace OrleansHub.Client;

/// <summary>
/// Sends the agency key as <c>Authorization: Bearer</c>, and only to the hub's own host over https (plain http only to a
/// loopback address, for a hub on the same machine): a key must never travel in clear text or to another host.
/// </summary>
public sealed class ApiKeyAuthentication(Uri hub, string apiKey) : IAuthenticationProvider
{
    public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        var target = request.URI;
        if (!string.Equals(target.Host, hub.Host, StringComparison.OrdinalIgnoreCase) || target.Port != hub.Port)
        {
            throw new InvalidOperationException($"Refusing to send the agency key to {target.Host}: it goes to the hub ({hub.Host}) only.");
        }

        if (target.Scheme != Uri.UriSchemeHttps && !target.IsLoopback)
        {
            throw new InvalidOperationException("Refusing to send the agency key over plain http to a host that is not loopback.");
        }

        request.Headers.Add("Authorization", "Bearer " + apiKey);
        return Task.CompletedTask;
    }
}
