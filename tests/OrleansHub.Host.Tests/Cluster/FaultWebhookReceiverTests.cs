using System.Net;
using System.Security.Cryptography;
using System.Text;
using OrleansHub.Bench.Faults;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Cluster;

/// <summary>
/// The fault run's webhook receiver is the witness of "every event pushed": it may answer 2xx only for a delivery whose
/// events it kept. HttpListener answers 200 to a request its handler leaves without a status, so a handler that failed
/// halfway (reading the body while the receiver was being stopped, say) once told the hub "delivered" for events it never
/// kept: the fault run then reported one event missing from the webhook, in about one CI run in three.
/// </summary>
public sealed class FaultWebhookReceiverTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task Delivery_ReadAndKept_Is204_AndItsEventsAreReceived()
    {
        using var receiver = Start();
        var id = Guid.NewGuid();

        using var answer = await PostAsync(receiver, $$$"""[{"specversion":"1.0","id":"{{{id}}}","type":"t","data":{"citizenId":"001090000001","sequence":1,"recordVersion":2}}]""");

        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(id, Assert.Single(receiver.Received).EventId);
        Assert.Empty(receiver.Failures);
    }

    [Fact]
    public async Task Delivery_TheReceiverFailsBeforeKeepingItsEvents_IsAnsweredAsAFailure_NotTheListenersDefault200()
    {
        using var receiver = Start();

        // Signed and a JSON batch, but its event lacks data.citizenId: the handler throws after reading the body.
        using var answer = await PostAsync(receiver, $$$"""[{"specversion":"1.0","id":"{{{Guid.NewGuid()}}}","type":"t","data":{}}]""");

        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        Assert.Empty(receiver.Received);
        Assert.Contains("KeyNotFoundException", Assert.Single(receiver.Failures), StringComparison.Ordinal);
    }

    private static WebhookReceiver Start()
    {
        var receiver = new WebhookReceiver(FreePort.Next(), new Timeline());
        receiver.UseSecret("whsec_" + Convert.ToBase64String(Key));
        receiver.Start();
        return receiver;
    }

    private static async Task<HttpResponseMessage> PostAsync(WebhookReceiver receiver, string body)
    {
        var (messageId, timestamp) = ("msg_1_1", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}")));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new StringContent(body, Encoding.UTF8, "application/cloudevents-batch+json") };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", "v1," + signature);
        return await http.SendAsync(request);
    }
}
