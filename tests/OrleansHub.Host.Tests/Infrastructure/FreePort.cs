using System.Net;
using System.Net.Sockets;

namespace OrleansHub.Host.Tests.Infrastructure;

/// <summary>Loopback ports nobody is listening on, so parallel hosts and silos never collide.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Handed)
            {
                // The OS may hand the same ephemeral port twice before the first taker binds it.
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
