using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Extensions;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace OrleansHub.Host.Tests.Events.Webhooks;

/// <summary>
/// One POST the receiver was sent: its webhook headers, its media type, the <c>Hub-Next-Cursor</c> header, the raw body and
/// the CloudEvents the CNCF SDK read from it (the batch of a delivery, or the one event of a verification challenge).
/// </summary>
public sealed record ReceivedWebhook(
    string Id, string Timestamp, string Signature, string ContentType, string? NextCursor, string Body, IReadOnlyList<CloudEvent> CloudEvents)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The delivered events as JSON (the body is the batch: an array of CloudEvents).</summary>
    public IEnumerable<JsonElement> Events => Json.EnumerateArray();

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
/// An agency's webhook endpoint on real Kestrel (loopback, a port of its own), built as an agency would on stock libraries:
/// each POST is read with the CNCF CloudEvents SDK's HTTP binding (<c>CloudNative.CloudEvents</c>, JSON formatter from
/// <c>CloudNative.CloudEvents.SystemTextJson</c>): a verification challenge as one structured-mode event, a delivery as a
/// batch. What the SDK cannot read is answered 400 and kept in <see cref="Rejected"/>; the rest is recorded and answered
/// with the status <see cref="Answer"/> chooses. Can be stopped and started again on the same port to play an outage.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private static readonly CloudEventFormatter Formatter = new JsonEventFormatter();
    private readonly int _port = Infrastructure.FreePort.Next();
    private WebApplication? _app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>Why each POST the CloudEvents SDK could not read was refused (the tests expect none).</summary>
    public ConcurrentQueue<string> Rejected { get; } = new();

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
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            using var message = new HttpRequestMessage(HttpMethod.Post, "/hook") { Content = new ByteArrayContent(body) };
            if (request.ContentType is { } contentType)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }

            IReadOnlyList<CloudEvent> events;
            try
            {
                // As the SDK's samples do: a batch is read as a batch; anything else as one event (structured or binary mode).
                events = message.IsCloudEventBatch()
                    ? await message.ToCloudEventBatchAsync(Formatter, Sequence.AllAttributes)
                    : [await message.ToCloudEventAsync(Formatter, Sequence.AllAttributes)];
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or JsonException or FormatException)
            {
                Rejected.Enqueue($"{request.ContentType}: {e.Message}");
                return Results.BadRequest();
            }

            var received = new ReceivedWebhook(
                request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(), request.Headers["webhook-signature"].ToString(),
                request.ContentType ?? "", request.Headers.TryGetValue("Hub-Next-Cursor", out var next) ? next.ToString() : null,
                System.Text.Encoding.UTF8.GetString(body), events);
            if (events is [{ Type: "vn.orleanshub.webhook.verification" } challenge])
            {
                Challenges.Enqueue(received);
                return AnswersChallenges
                    ? Results.Json(new { challenge = challenge["challenge"] as string })
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
