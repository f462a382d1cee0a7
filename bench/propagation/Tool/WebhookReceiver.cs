using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansHub.Bench.Propagation;

/// <summary>
/// The benchmark's webhook endpoint: one local HTTP listener for every webhook agency (the path names the agency). Each
/// delivery's Standard Webhooks signature is checked against that agency's secret before its events count as received;
/// a bad signature is answered 401 and counted.
/// </summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private readonly Action<int, JsonElement, long> _received;
    private readonly Func<string, int> _agencyOf;
    private long _badSignatures, _deliveries;

    public WebhookReceiver(int port, Func<string, int> agencyOf, Action<int, JsonElement, long> received)
    {
        Prefix = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Prefix);
        _agencyOf = agencyOf;
        _received = received;
    }

    public string Prefix { get; }

    public long BadSignatures => Interlocked.Read(ref _badSignatures);

    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>The agency's secret as the hub showed it once: <c>whsec_</c> and the base64 key.</summary>
    public void AddSecret(string agency, string secret)
    {
        lock (_keys)
        {
            _keys[agency] = Convert.FromBase64String(secret["whsec_".Length..]);
        }
    }

    public void Start(CancellationToken stop)
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (stop.IsCancellationRequested || !_listener.IsListening)
                {
                    return;
                }

                _ = Task.Run(() => HandleAsync(context));
            }
        }, stop);
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var now = Stopwatch.GetTimestamp();
            var body = buffer.ToArray();
            if (Challenge(body) is { } challenge)
            {
                // The hub verifies a new URL or secret before using it (the secret is known only after): echo the challenge.
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new { challenge }));
                return;
            }

            var agency = context.Request.Url!.AbsolutePath.Trim('/');
            byte[]? key;
            lock (_keys)
            {
                key = _keys.GetValueOrDefault(agency);
            }

            if (key is null || !Verify(key, context.Request.Headers, body))
            {
                Interlocked.Increment(ref _badSignatures);
                context.Response.StatusCode = 401;
                return;
            }

            Interlocked.Increment(ref _deliveries);
            using var page = JsonDocument.Parse(body); // CloudEvents batched mode: a JSON array of events
            var index = _agencyOf(agency);
            lock (_keys)
            {
                // One delivery at a time per agency is what the hub sends; the lock keeps the order check honest anyway.
                foreach (var e in page.RootElement.EnumerateArray())
                {
                    _received(index, e, now);
                }
            }

            context.Response.StatusCode = 204;
        }
        catch (Exception)
        {
            context.Response.StatusCode = 500;
        }
        finally
        {
            context.Response.Close();
        }
    }

    private static string? Challenge(byte[] body)
    {
        using var message = JsonDocument.Parse(body);
        // A challenge is one CloudEvent (an object) whose `challenge` attribute is to be echoed; a delivery is a batch (an array).
        return message.RootElement.ValueKind == JsonValueKind.Object
            && message.RootElement.TryGetProperty("type", out var type) && type.GetString() == "vn.orleanshub.webhook.verification"
            ? message.RootElement.GetProperty("challenge").GetString()
            : null;
    }

    /// <summary>Standard Webhooks: HMAC-SHA256 over "{id}.{timestamp}.{body}", any of the space-separated v1 signatures.</summary>
    private static bool Verify(byte[] key, System.Collections.Specialized.NameValueCollection headers, byte[] body)
    {
        var id = headers["webhook-id"];
        var timestamp = headers["webhook-timestamp"];
        var signatures = headers["webhook-signature"];
        if (id is null || timestamp is null || signatures is null ||
            !long.TryParse(timestamp, out var seconds) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var expected = HMACSHA256.HashData(key, signed);
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate.StartsWith("v1,", StringComparison.Ordinal))
            {
                try
                {
                    if (CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(candidate[3..]), expected))
                    {
                        return true;
                    }
                }
                catch (FormatException)
                {
                }
            }
        }

        return false;
    }

    public void Dispose()
    {
        if (_listener.IsListening)
        {
            _listener.Stop();
        }

        _listener.Close();
    }
}
