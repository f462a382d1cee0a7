using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OrleansHub.Host.Events.Feeds;

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

    public async Task<WebhookAttempt> SendAsync(WebhookEndpoint endpoint, string messageId, FeedPageResponse page, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(page, json.Value.SerializerOptions);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
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
