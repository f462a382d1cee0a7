using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace OrleansHub.Host.Tests.Events.Webhooks;

/// <summary>One POST the receiver was sent: its webhook headers and raw body.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public IEnumerable<JsonElement> Events => Json.GetProperty("events").EnumerateArray();

    /// <summary>Verifies the signature with the StandardWebhooks library (not the hub's code); throws when it does not verify.</summary>
    public void Verify(string secret, string? body = null)
    {
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = Id,
            ["webhook-timestamp"] = Timestamp,
            ["webhook-signature"] = Signature,
        };
        new StandardWebhook(secret).Verify(body ?? Body, headers);
    }
}

/// <summary>
/// An agency's webhook endpoint on real Kestrel (loopback, a port of its own): records every POST and answers with the
/// status <see cref="Answer"/> chooses. Can be stopped and started again on the same port to play an outage.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly int _port = Infrastructure.FreePort.Next();
    private WebApplication? _app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The verification challenges the hub sent (not counted in <see cref="Received"/>).</summary>
    public ConcurrentQueue<ReceivedWebhook> Challenges { get; } = new();

    /// <summary>Whether a verification challenge is answered by echoing it (true by default, as an agency's endpoint would).</summary>
    public bool AnswersChallenges { get; set; } = true;

    /// <summary>The status to answer the n-th POST (1-based) with; 204 by default.</summary>
    public Func<int, HttpStatusCode> Answer { get; set; } = _ => HttpStatusCode.NoContent;

    public string Url => $"http://127.0.0.1:{_port}/hook";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.StartAgainAsync();
        return receiver;
    }

    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var count = 0;
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var received = new ReceivedWebhook(
                request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(), request.Headers["webhook-signature"].ToString(),
                await reader.ReadToEndAsync());
            if (received.Json.TryGetProperty("type", out var type) && type.GetString() == "vn.orleanshub.webhook.verification")
            {
                Challenges.Enqueue(received);
                return AnswersChallenges
                    ? Results.Json(new { challenge = received.Json.GetProperty("challenge").GetString() })
                    : Results.Json(new { ok = true });
            }

            Received.Enqueue(received);
            return Results.StatusCode((int)Answer(Interlocked.Increment(ref count)));
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Every event received so far, in the order received.</summary>
    public List<JsonElement> Events() => [.. Received.SelectMany(r => r.Events)];

    /// <summary>Waits until <paramref name="done"/> holds for what was received (or 20 s pass).</summary>
    public async Task<bool> WaitForAsync(Func<WebhookReceiver, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!done(this) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        return done(this);
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
