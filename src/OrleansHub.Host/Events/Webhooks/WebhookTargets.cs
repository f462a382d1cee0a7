using System.Net;
using System.Net.Sockets;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>
/// Which webhook URLs and addresses the hub will deliver to. Outside Development only public addresses over https: the hub
/// must not become a way to reach its own internal network (SSRF). The URL is checked when registered, and every address a
/// name resolves to is checked again when connecting, so a name that later resolves inward (DNS rebinding) is still refused.
/// </summary>
public static class WebhookTargets
{
    public const int MaxUrlLength = 2_048;

    // Special-purpose ranges (IANA IPv4/IPv6 registries) that are not publicly routable, plus multicast.
    private static readonly IPNetwork[] NonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001:db8::/32"),
        // Teredo (its client address is obfuscated inside, so it cannot be judged), ORCHID/ORCHIDv2, local-use NAT64, and
        // the deprecated IPv4-compatible addresses (::a.b.c.d), which some stacks still route to the embedded IPv4 address.
        IPNetwork.Parse("2001::/32"), IPNetwork.Parse("2001:10::/28"), IPNetwork.Parse("2001:20::/28"), IPNetwork.Parse("64:ff9b:1::/48"),
        IPNetwork.Parse("::/96"),
        IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Whether <paramref name="address"/> is publicly routable; IPv4 embedded in IPv6 is judged as IPv4.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            if (Nat64.Contains(address))
            {
                return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
            }

            if (SixToFour.Contains(address))
            {
                return IsPublic(new IPAddress(bytes.AsSpan(2, 4)));
            }
        }

        return !NonPublic.Any(n => n.Contains(address));
    }

    /// <summary>Why <paramref name="url"/> may not be a webhook, or null when it may.</summary>
    public static string? Refusal(string? url, WebhookOptions options)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "url is required.";
        }

        if (url.Length > MaxUrlLength)
        {
            return $"url is at most {MaxUrlLength} characters.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            return "url must be an absolute http(s) URL.";
        }

        if (options.RequireHttps && uri.Scheme != "https")
        {
            return "url must use https.";
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return "url must not carry credentials or a fragment; authenticate deliveries with the signature.";
        }

        if (options.AllowPrivateNetworks)
        {
            return null;
        }

        var host = uri.IdnHost.TrimEnd('.');
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return IsPublic(literal) ? null : "url points at an address that is not public (loopback, private, link-local or reserved).";
        }

        // Names that only mean something inside a network: single labels, localhost and the local-use suffixes.
        string[] localSuffixes = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".localdomain"];
        return !host.Contains('.') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || localSuffixes.Any(s => host.EndsWith(s, StringComparison.OrdinalIgnoreCase))
            ? "url must name a public host, not a local or single-label name."
            : null;
    }

    /// <summary>
    /// Connects the webhook client, refusing (with <see cref="WebhookTargetRefusedException"/>) a host any of whose
    /// addresses is not public, unless private networks are allowed.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        if (addresses.Length == 0 || (!allowPrivateNetworks && !addresses.All(IsPublic)))
        {
            throw new WebhookTargetRefusedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The webhook's host resolved to an address the hub does not deliver to.</summary>
public sealed class WebhookTargetRefusedException() : Exception("The webhook host resolves to an address that is not public.");
