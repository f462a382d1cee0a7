using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansHub.Client;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Client;

/// <summary>
/// An agency's webhook endpoint written on <see cref="WebhookMessage"/> only, as the client's documentation shows: answer
/// the challenge, verify and read every other POST (401 when the signature fails, 400 when it is not a batch).
/// </summary>
public sealed class ClientWebhookReceiver : IAsyncDisposable
{
    private readonly Channel<WebhookMessage> _deliveries = Channel.CreateUnbounded<WebhookMessage>();
    private readonly int _port = FreePort.Next();
    private WebApplication? _app;
    private int _challenges;

    public string Url => $"http://127.0.0.1:{_port}/hook";

    /// <summary>The secret the hub showed when the webhook was registered; deliveries before it is known are refused.</summary>
    public volatile string? Secret;

    public int ChallengesAnswered => Volatile.Read(ref _challenges);

    public List<string> Refused { get; } = [];

    public IHeaderDictionary? LastHeaders { get; private set; }

    public byte[]? LastBody { get; private set; }

    public static async Task<ClientWebhookReceiver> StartAsync()
    {
        var receiver = new ClientWebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(receiver.Url.Replace("/hook", "", StringComparison.Ordinal));
        builder.Logging.ClearProviders();
        receiver._app = builder.Build();
        receiver._app.MapPost("/hook", receiver.ReceiveAsync);
        await receiver._app.StartAsync();
        return receiver;
    }

    public async Task<WebhookMessage> NextAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        return await _deliveries.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (WebhookMessage.ChallengeAnswer(request.ContentType, body) is { } answer)
        {
            Interlocked.Increment(ref _challenges);
            return Results.Json(answer);
        }

        if (Secret is not { } secret)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);   // registered a moment ago: the hub retries
        }

        try
        {
            var message = WebhookMessage.Read(secret, request.Headers, request.ContentType, body);
            (LastHeaders, LastBody) = (new HeaderDictionary(request.Headers.ToDictionary(h => h.Key, h => h.Value)), body);
            await _deliveries.Writer.WriteAsync(message);
            return Results.NoContent();
        }
        catch (StandardWebhooks.Diagnostics.WebhookVerificationException e)
        {
            lock (Refused)
            {
                Refused.Add("401: " + e.Message);
            }

            return Results.Unauthorized();
        }
        catch (ArgumentException e)
        {
            lock (Refused)
            {
                Refused.Add("400: " + e.Message);
            }

            return Results.BadRequest();
        }
    }
}
