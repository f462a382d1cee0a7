using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// HTTP/1.1 written byte for byte, for requests HttpClient refuses to send (bare CR, NUL or folded header lines, duplicate
/// headers, conflicting lengths). One request per connection (<c>Connection: close</c>), answer read to the end.
/// </summary>
public static class HostileRawHttp
{
    public sealed record Answer(int Status, string? ContentType, string Body);

    public static async Task<Answer> SendAsync(Uri baseAddress, string head, byte[]? body, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, cancel.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head), cancel.Token);
        if (body is not null)
        {
            await stream.WriteAsync(body, cancel.Token);
        }

        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, cancel.Token);
        }
        catch (IOException) when (received.Length > 0)
        {
            // The server may reset the connection right after its answer (it did not read the whole body).
        }

        return Parse(received.ToArray());
    }

    private static Answer Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            throw new IOException($"No complete answer ({bytes.Length} bytes received).");
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToLookup(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var payload = bytes.AsSpan(Encoding.Latin1.GetByteCount(text[..(end + 4)]));
        var body = headers["Transfer-Encoding"].Any(v => v.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            ? Dechunk(payload)
            : Encoding.UTF8.GetString(payload);
        return new Answer(status, headers["Content-Type"].FirstOrDefault()?.Split(';')[0], body);
    }

    private static string Dechunk(ReadOnlySpan<byte> payload)
    {
        var text = new StringBuilder();
        var rest = Encoding.Latin1.GetString(payload);
        while (rest.IndexOf("\r\n", StringComparison.Ordinal) is var eol and > 0)
        {
            var size = int.Parse(rest[..eol].Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0 || rest.Length < eol + 2 + size)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(rest.Substring(eol + 2, size))));
            rest = rest[(eol + 2 + size + 2)..];
        }

        return text.ToString();
    }
}
