using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace OrleansHub.Client;

/// <summary>
/// One delivery the hub posted to the agency's webhook, verified and read: a batch of change events (CloudEvents' batched
/// content mode, <c>application/cloudevents-batch+json</c>) and the feed cursor after them (<c>Hub-Next-Cursor</c>).
/// A receiver first offers each POST to <see cref="ChallengeAnswer"/>: the verification challenge the hub sends when the
/// URL or secret is set is answered with what that returns; every other POST is read with <see cref="Read"/>.
/// </summary>
public sealed record WebhookMessage(string Id, IReadOnlyList<CloudEvent> Events, string? NextCursor)
{
    public const string BatchMediaType = "application/cloudevents-batch+json";
    public const string NextCursorHeader = "Hub-Next-Cursor";
    public const string VerificationType = "vn.orleanshub.webhook.verification";

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>
    /// The JSON body to answer (with 200) when <paramref name="body"/> is the hub's verification challenge, else null. The
    /// challenge is signed with the secret the hub shows only once it was answered, so it is not verified here: echoing
    /// a random value discloses nothing.
    /// </summary>
    public static object? ChallengeAnswer(string? contentType, byte[] body)
    {
        if (contentType is null || string.Equals(new ContentType(contentType).MediaType, BatchMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var single = Formatter.DecodeStructuredModeMessage(body, new ContentType(contentType), extensionAttributes: null);
            return single.Type == VerificationType && single["challenge"] is string challenge ? new { challenge } : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks the Standard Webhooks signature with the secret the hub showed at registration (<c>whsec_...</c>) and reads
    /// the batch with the CloudEvents SDK. Throws <see cref="StandardWebhooks.Diagnostics.WebhookVerificationException"/>
    /// when the signature does not hold or the message is too old (answer 401: the hub retries), and
    /// <see cref="ArgumentException"/> when the body is not a batch of CloudEvents (answer 400).
    /// </summary>
    public static WebhookMessage Read(string secret, IHeaderDictionary headers, string? contentType, byte[] body)
    {
        new StandardWebhook(secret).Verify(System.Text.Encoding.UTF8.GetString(body), headers);
        var media = new ContentType(contentType ?? throw new ArgumentException("A delivery has a Content-Type.", nameof(contentType)));
        if (!string.Equals(media.MediaType, BatchMediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"A delivery is {BatchMediaType}, not {media.MediaType}.", nameof(contentType));
        }

        var events = Formatter.DecodeBatchModeMessage(body, media, extensionAttributes: null);
        var next = headers[NextCursorHeader].ToString();
        return new WebhookMessage(headers["webhook-id"].ToString(), events, next.Length > 0 ? next : null);
    }
}
