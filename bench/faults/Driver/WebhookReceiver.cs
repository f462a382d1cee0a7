using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansHub.Bench.Faults;

/// <summary>
/// An agency's webhook endpoint on this machine (Kestrel, loopback): checks each delivery's Standard Webhooks signature
/// (its own HMAC, not the hub's code), keeps the events, then answers 204. <see cref="StopAsync"/> closes the port (the
/// hub's deliveries get connection refused) and <see cref="StartAsync"/> opens it again. Not HttpListener: closing one
/// answers the requests it has queued but not yet handed over with its default 200, so the hub took a delivery the
/// receiver never saw as made, and the fault run reported an event missing from the webhook (about one CI run in three).
/// </summary>
public sealed class WebhookReceiver(int port, Timeline timeline) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication? _app;
    private byte[] _key = [];
    private int _badSignatures;
    private int _deliveries;

    public Uri Url { get; } = new($"http://127.0.0.1:{port}/hook");

    public ConcurrentQueue<ReceivedEvent> Received { get; } = new();

    /// <summary>Each request's <c>webhook-id</c>, the status answered and when (ms on the timeline).</summary>
    public ConcurrentQueue<(string MessageId, int Status, long AtMs)> Answers { get; } = new();

    /// <summary>Requests that failed inside the receiver (reading, parsing), with when and why; answered 500.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public int BadSignatures => Volatile.Read(ref _badSignatures);

    public int Deliveries => Volatile.Read(ref _deliveries);

    /// <summary>The secret the hub showed when the endpoint was registered (<c>whsec_</c> + base64).</summary>
    public void UseSecret(string secret) => _key = Convert.FromBase64String(secret["whsec_".Length..]);

    public async Task StartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapPost(Url.AbsolutePath, ReceiveAsync);
            await app.StartAsync();
            _app = app;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_app is { } app)
            {
                _app = null;
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _gate.Dispose();
    }

    /// <summary>Answers 2xx only once the events are kept: anything that fails before that is a 500, and the hub retries.</summary>
    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        var id = request.Headers["webhook-id"].ToString();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            if (Challenge(body) is { } challenge)
            {
                // The hub's verification of a new URL or secret (the secret is shown only after it passed): echo it.
                status = StatusCodes.Status200OK;
                return Results.Json(new { challenge });
            }

            if (!SignatureHolds(request.Headers, body))
            {
                Interlocked.Increment(ref _badSignatures);
                status = StatusCodes.Status401Unauthorized;
                return Results.StatusCode(status);
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
            status = StatusCodes.Status204NoContent;
            return Results.StatusCode(status);
        }
        catch (JsonException)
        {
            status = StatusCodes.Status400BadRequest;
            return Results.StatusCode(status);
        }
        catch (Exception e)
        {
            Failures.Enqueue($"{timeline.NowMs} ms {id}: {e.GetType().Name} before the events were kept; answered {status}");
            return Results.StatusCode(status);
        }
        finally
        {
            Answers.Enqueue((id, status, timeline.NowMs));
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
    private bool SignatureHolds(IHeaderDictionary headers, string body)
    {
        var (id, timestamp, signatures) = (headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString());
        if (id.Length == 0 || timestamp.Length == 0 || signatures.Length == 0)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Any(s => CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(s[3..]), expected));
    }
}
