using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>How one delivery attempt ended; <see cref="Error"/> says why it failed, without anything the receiver sent back.</summary>
public sealed record WebhookAttempt(bool Delivered, string? Error)
{
    public static readonly WebhookAttempt Success = new(true, null);

    public static WebhookAttempt Failed(string error) => new(false, error);
}

/// <summary>
/// Posts one signed message to a webhook. The client follows no redirects, sends no cookies, reads only the response
/// status and headers (the body is never read) and gives up after <see cref="WebhookOptions.Timeout"/>.
/// </summary>
public sealed class WebhookSender(HttpClient client, IOptions<JsonOptions> json, IOptions<WebhookOptions> options, TimeProvider time)
{
    public const string HttpClientName = "webhooks";

    /// <summary>The <c>type</c> of a verification challenge's body.</summary>
    public const string VerificationType = "vn.orleanshub.webhook.verification";

    /// <summary>The CloudEvents <c>source</c> of a verification challenge.</summary>
    public const string VerificationSource = "/orleanshub/webhooks";

    /// <summary>A delivery's media type: CloudEvents' HTTP binding, batched content mode (a JSON array of events).</summary>
    public const string BatchContentType = "application/cloudevents-batch+json";

    /// <summary>A verification challenge's media type: one CloudEvent in structured content mode.</summary>
    public const string StructuredContentType = "application/cloudevents+json";

    /// <summary>
    /// The request header on each delivery that carries the feed cursor after its last event: pass it as <c>after</c> to
    /// <c>GET /v1/feed</c> or <c>POST /v1/webhook/replay</c> to resume from there. It is also the last number of the signed
    /// <c>webhook-id</c> (<c>msg_{first}_{last}</c>).
    /// </summary>
    public const string NextCursorHeader = "Hub-Next-Cursor";

    /// <summary>Most bytes of a challenge's answer the hub reads.</summary>
    private const int MaxChallengeAnswerBytes = 4_096;

    /// <summary>
    /// The verification challenge (like Standard Webhooks' signed messages, with a challenge echo as Slack's and Zoom's URL
    /// checks): a signed POST of one CloudEvent in structured mode (<c>application/cloudevents+json</c>) of type
    /// <c>vn.orleanshub.webhook.verification</c> whose extension attribute <c>challenge</c> holds a random value, so the top-level
    /// <c>type</c> and <c>challenge</c> members read as before; the endpoint proves it is the agency's own, holds the secret and
    /// wants the events by answering 2xx with <c>{"challenge":"..."}</c>, the same value, within <see cref="WebhookOptions.Timeout"/>.
    /// Returns null when it did, else why not (never what it sent back).
    /// </summary>
    public async Task<string?> VerifyAsync(string url, string secret, CancellationToken cancellationToken)
    {
        var challenge = Base64UrlEncoder(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var messageId = "verify_" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        var now = time.GetUtcNow();
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["specversion"] = "1.0",
            ["id"] = messageId,
            ["source"] = VerificationSource,
            ["type"] = VerificationType,
            ["time"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", System.Globalization.CultureInfo.InvariantCulture),
            ["challenge"] = challenge,
        });
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(StructuredContentType);
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigner.Sign(secret, messageId, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return $"the endpoint answered HTTP {(int)response.StatusCode}";
            }

            var buffer = new byte[MaxChallengeAnswerBytes];
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var read = 0;
            while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), timeout.Token) is var n and > 0)
            {
                read += n;
            }

            try
            {
                using var answer = JsonDocument.Parse(buffer.AsMemory(0, read));
                return answer.RootElement.ValueKind == JsonValueKind.Object && answer.RootElement.TryGetProperty("challenge", out var echoed)
                    && echoed.ValueKind == JsonValueKind.String && echoed.GetString() == challenge
                    ? null
                    : "the endpoint did not echo the challenge";
            }
            catch (JsonException)
            {
                return "the endpoint did not echo the challenge";
            }
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookTargetRefusedException)
        {
            return "the host resolves to an address that is not public";
        }
        catch (HttpRequestException e)
        {
            return $"connection failed ({e.HttpRequestError})";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {options.Value.Timeout.TotalSeconds:0.###} s";
        }

        static string Base64UrlEncoder(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// Posts <paramref name="events"/> in CloudEvents' batched content mode: the body is the JSON array of the events, each
    /// exactly as the pull feed shows it, and <see cref="NextCursorHeader"/> carries <paramref name="next"/>. The signature
    /// covers the exact body bytes sent.
    /// </summary>
    public async Task<WebhookAttempt> SendAsync(
        WebhookEndpoint endpoint, string messageId, IReadOnlyList<CloudEventResponse> events, string next, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(events, json.Value.SerializerOptions);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(BatchContentType);
        request.Headers.Add(NextCursorHeader, next);
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigner.Sign(endpoint.Secret, messageId, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? WebhookAttempt.Success : WebhookAttempt.Failed($"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookTargetRefusedException)
        {
            return WebhookAttempt.Failed("refused: the host resolves to an address that is not public");
        }
        catch (HttpRequestException e)
        {
            return WebhookAttempt.Failed($"connection failed ({e.HttpRequestError})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return WebhookAttempt.Failed($"no response within {options.Value.Timeout.TotalSeconds:0.###} s");
        }
    }
}
