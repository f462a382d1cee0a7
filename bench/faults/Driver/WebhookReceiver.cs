using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansHub.Bench.Faults;

/// <summary>
/// An agency's webhook endpoint on this machine: checks each delivery's Standard Webhooks signature (its own HMAC, not
/// the hub's code), keeps the events, answers 204. <see cref="Stop"/> closes the port (the hub's deliveries get connection
/// refused) and <see cref="Start"/> opens it again.
/// </summary>
public sealed class WebhookReceiver(int port, Timeline timeline) : IDisposable
{
    private readonly object _gate = new();
    private HttpListener? _listener;
    private byte[] _key = [];
    private int _badSignatures;
    private int _deliveries;

    public Uri Url { get; } = new($"http://127.0.0.1:{port}/hook/");

    public ConcurrentQueue<ReceivedEvent> Received { get; } = new();

    /// <summary>Each delivery's <c>webhook-id</c>, the status answered and when (ms on the timeline).</summary>
    public ConcurrentQueue<(string MessageId, int Status, long AtMs)> Answers { get; } = new();

    /// <summary>Requests that failed inside the receiver (reading, parsing), with when and why.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public int BadSignatures => Volatile.Read(ref _badSignatures);

    public int Deliveries => Volatile.Read(ref _deliveries);

    /// <summary>The secret the hub showed when the endpoint was registered (<c>whsec_</c> + base64).</summary>
    public void UseSecret(string secret) => _key = Convert.FromBase64String(secret["whsec_".Length..]);

    public void Start()
    {
        lock (_gate)
        {
            var listener = new HttpListener();
            listener.Prefixes.Add(Url.ToString());
            listener.Start();
            _listener = listener;
            _ = Task.Run(() => ServeAsync(listener));
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            _listener?.Close();
            _listener = null;
        }
    }

    public void Dispose() => Stop();

    private async Task ServeAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            // HttpListener answers 200 unless told otherwise: a request whose events were not kept must not look delivered.
            var status = 500;
            var id = context.Request.Headers["webhook-id"] ?? "-";
            try
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                if (Challenge(body) is { } challenge)
                {
                    // The hub's verification of a new URL or secret (the secret is shown only after it passed): echo it.
                    context.Response.StatusCode = status = 200;
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new { challenge }));
                    continue;
                }

                if (!SignatureHolds(context.Request.Headers, body))
                {
                    Interlocked.Increment(ref _badSignatures);
                    status = 401;
                    continue;
                }

                using var page = JsonDocument.Parse(body); // CloudEvents batched mode: a JSON array of events
                var events = page.RootElement.EnumerateArray().Select(e =>
                {
                    var data = e.GetProperty("data");
                    return new ReceivedEvent("webhook", Guid.Parse(e.GetProperty("id").GetString()!), data.GetProperty("citizenId").GetString()!,
                        data.GetProperty("sequence").GetInt64(), data.GetProperty("recordVersion").GetInt64(), e.GetProperty("type").GetString()!, timeline.NowMs);
                }).ToList();
                foreach (var e in events)
                {
                    Received.Enqueue(e);
                }

                Interlocked.Increment(ref _deliveries);
                status = 204;
            }
            catch (JsonException)
            {
                status = 400;
            }
            catch (Exception e)
            {
                Failures.Enqueue($"{timeline.NowMs} ms {id}: {e.GetType().Name} before the events were kept; answered {status}");
            }
            finally
            {
                try
                {
                    if (status != 200)
                    {
                        context.Response.StatusCode = status; // a challenge's 200 went out with its body
                    }

                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
                {
                    // Stopped while answering: the hub sees the connection drop and retries.
                }

                Answers.Enqueue((id, status, timeline.NowMs));
            }
        }
    }

    private static string? Challenge(string body)
    {
        using var message = JsonDocument.Parse(body);
        // A challenge is one CloudEvent (an object) whose `challenge` attribute is to be echoed; a delivery is a batch (an array).
        return message.RootElement.ValueKind == JsonValueKind.Object
            && message.RootElement.TryGetProperty("type", out var type) && type.GetString() == "vn.orleanshub.webhook.verification"
            ? message.RootElement.GetProperty("challenge").GetString()
            : null;
    }

    /// <summary>Standard Webhooks: <c>v1,</c> + base64 HMAC-SHA256 over "{id}.{timestamp}.{body}"; several signatures may be sent, space-separated.</summary>
    private bool SignatureHolds(System.Collections.Specialized.NameValueCollection headers, string body)
    {
        var (id, timestamp, signatures) = (headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"]);
        if (id is null || timestamp is null || signatures is null)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Any(s => CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(s[3..]), expected));
    }
}
