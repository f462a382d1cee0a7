using System.Net.Mime;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace OrleansHub.Client;

/// <summary>
/// One POST the hub sent to the agency's webhook, verified and read: a batch of change events (CloudEvents' batched
/// content mode) with the feed cursor after them, or the verification challenge the hub sends when the URL or secret is
/// set (one structured-mode CloudEvent), which the endpoint answers with <see cref="ChallengeAnswer"/>.
/// </summary>
public sealed record WebhookMessage(string Id, IReadOnlyList<CloudEvent> Events, string? NextCursor, string? Challenge)
{
    public const string BatchMediaType = "application/cloudevents-batch+json";
    public const string NextCursorHeader = "Hub-Next-Cursor";
    public const string VerificationType = "vn.orleanshub.webhook.verification";

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>The body to answer a verification challenge with (2xx, JSON).</summary>
    public object? ChallengeAnswer => Challenge is { } challenge ? new { challenge } : null;

    /// <summary>
    /// Checks the Standard Webhooks signature with the secret the hub showed at registration (<c>whsec_...</c>; during a
    /// rotation, the new one) and reads the body with the CloudEvents SDK. Throws <see cref="StandardWebhooks.Diagnostics.WebhookVerificationException"/>
    /// when the signature does not hold or the message is too old: answer 401 then, and the hub retries.
    /// </summary>
    public static WebhookMessage Read(string secret, IHeaderDictionary headers, string? contentType, byte[] body)
    {
        new StandardWebhook(secret).Verify(System.Text.Encoding.UTF8.GetString(body), headers);
        var id = headers["webhook-id"].ToString();
        var media = new ContentType(contentType ?? "application/json");
        if (string.Equals(media.MediaType, BatchMediaType, StringComparison.OrdinalIgnoreCase))
        {
            var batch = Formatter.DecodeBatchModeMessage(body, media, extensionAttributes: null);
            return new WebhookMessage(id, batch, headers[NextCursorHeader].ToString() is { Length: > 0 } next ? next : null, Challenge: null);
        }

        var single = Formatter.DecodeStructuredModeMessage(body, media, extensionAttributes: null);
        return single.Type == VerificationType
            ? new WebhookMessage(id, [], NextCursor: null, single["challenge"] as string)
            : new WebhookMessage(id, [single], NextCursor: null, Challenge: null);
    }
}
