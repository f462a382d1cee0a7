using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Hosting;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;
using StandardWebhooks.Diagnostics;

namespace OrleansHub.Host.Tests.Events.Webhooks;

/// <summary>The embedded hub with development webhook rules (a loopback receiver) and retries fast enough to test.</summary>
public sealed class FastRetryHubFactory : EmbeddedHubFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Hub:Webhooks:InitialRetryDelay", "00:00:00.050");
        builder.UseSetting("Hub:Webhooks:MaxRetryDelay", "00:00:00.200");
        // Long enough that an endpoint failing twice is still retried on a CPU-starved machine (its two retries come
        // 50-200 ms apart), short enough that the test of a failing endpoint sees it marked failing within its deadline.
        builder.UseSetting("Hub:Webhooks:RetryFor", "00:00:10");
        builder.UseSetting("Hub:Webhooks:SweepInterval", "00:00:00.500");
    }
}

/// <summary>
/// Webhooks over real HTTP: the embedded hub posts to a receiver on its own Kestrel. The tests share one hub and take turns
/// with the demo agency GDT's webhook (xunit runs a class's tests one at a time).
/// </summary>
public sealed class WebhookApiTests(FastRetryHubFactory factory) : IClassFixture<FastRetryHubFactory>
{
    private readonly HttpClient _operator = factory.CreateOperatorClient();
    private readonly HttpClient _tax = factory.Agency("GDT");

    private async Task<string> FollowedCitizenAsync()
    {
        var citizen = await factory.NewCitizenAsync();
        Assert.Equal(HttpStatusCode.Created, (await _tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "tax-registration" })).StatusCode);
        return citizen;
    }

    private Task<HttpResponseMessage> MoveAsync(string citizen, int house) =>
        _operator.PatchCitizenAsync(citizen, new { permanentResidence = $"Số {house} phố Huế, Hà Nội" });

    /// <summary>Points GDT's webhook at <paramref name="receiver"/> from the feed's end; returns the secret (registering it first if need be).</summary>
    private async Task<string> RegisterAsync(WebhookReceiver receiver)
    {
        await _tax.DeleteAsync("/v1/webhook");
        var response = await _tax.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("active", body.GetProperty("status").GetString());
        return body.GetProperty("secret").GetString()!;
    }

    private async Task<JsonElement> StatusAsync() => await (await _tax.GetAsync("/v1/webhook")).ReadJsonAsync();

    [Fact]
    public async Task Webhook_ChangeToAFollowedCitizen_IsPostedSignedPerStandardWebhooks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = await RegisterAsync(receiver);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var citizen = await FollowedCitizenAsync();

        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(citizen, 9)).StatusCode);

        Assert.True(await receiver.WaitForAsync(r => r.Events().Any(e => e.GetProperty("subject").GetString() == citizen)));
        var message = receiver.Received.First(m => m.Events.Any(e => e.GetProperty("subject").GetString() == citizen));
        message.Verify(secret); // the independent implementation accepts it...
        Assert.Throws<WebhookVerificationException>(() => message.Verify(secret, message.Body.Replace(citizen, TestIds.NewCitizen(), StringComparison.Ordinal)));
        Assert.Throws<WebhookVerificationException>(() => message.Verify("whsec_" + Convert.ToBase64String(new byte[32])));
        var e = message.Events.Single(x => x.GetProperty("subject").GetString() == citizen);
        Assert.Equal("vn.orleanshub.citizen.residence-changed.v1", e.GetProperty("type").GetString());
        Assert.DoesNotContain("phố Huế", message.Body, StringComparison.Ordinal); // names the field, never the value

        var status = await StatusAsync();
        Assert.Equal(message.NextCursor, status.GetProperty("deliveredThrough").GetString());
        Assert.False(status.TryGetProperty("secret", out _));
        Assert.Empty(receiver.Rejected);
    }

    [Fact]
    public async Task Webhook_Delivery_IsACloudEventsBatchTheSdkReads_WithTheCursorInAHeader()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = await RegisterAsync(receiver);
        var challenge = receiver.Challenges.Last();
        var citizen = await FollowedCitizenAsync();
        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(citizen, 12)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { fullName = "Trần Thị Bích" })).StatusCode);

        Assert.True(await receiver.WaitForAsync(r => r.Received.SelectMany(m => m.CloudEvents).Count(e => e.Subject == citizen) == 2));
        Assert.Empty(receiver.Rejected); // the CNCF SDK read every POST the hub sent

        // The challenge: one structured-mode CloudEvent, signed with the new secret, its value in the `challenge` attribute.
        Assert.StartsWith("application/cloudevents+json", challenge.ContentType, StringComparison.Ordinal);
        var challengeEvent = Assert.Single(challenge.CloudEvents);
        Assert.Equal(("vn.orleanshub.webhook.verification", challenge.Id), (challengeEvent.Type, challengeEvent.Id));
        Assert.False(string.IsNullOrEmpty(challengeEvent["challenge"] as string));
        challenge.Verify(secret);

        var deliveries = receiver.Received.Where(m => m.CloudEvents.Any(e => e.Subject == citizen)).ToList();
        foreach (var delivery in deliveries)
        {
            Assert.StartsWith("application/cloudevents-batch+json", delivery.ContentType, StringComparison.Ordinal);
            delivery.Verify(secret); // Standard Webhooks over the exact body bytes
            // The resume cursor: in the header, and the last number of the signed webhook-id (msg_{first}_{last}).
            Assert.NotNull(delivery.NextCursor);
            Assert.EndsWith("_" + delivery.NextCursor, delivery.Id, StringComparison.Ordinal);
            // The SDK's events are the JSON array's, attribute for attribute.
            Assert.Equal(delivery.Events.Select(e => e.GetProperty("id").GetString()), delivery.CloudEvents.Select(e => e.Id));
        }

        var events = deliveries.SelectMany(m => m.CloudEvents).Where(e => e.Subject == citizen).ToList();
        Assert.Equal(["vn.orleanshub.citizen.residence-changed.v1", "vn.orleanshub.citizen.name-corrected.v1"], events.Select(e => e.Type));
        Assert.All(events, e =>
        {
            Assert.Equal(CloudEventsSpecVersion.V1_0, e.SpecVersion);
            Assert.Equal(new Uri("/orleanshub/registry", UriKind.Relative), e.Source);
            Assert.Equal("application/json", e.DataContentType);
            Assert.NotNull(e.Time);
            Assert.True(Guid.TryParse(e.Id, out _));
        });
        Assert.Equal(["1", "2"], events.Select(CloudNative.CloudEvents.Extensions.Sequence.GetSequenceString));
        var data = Assert.IsType<JsonElement>(events[0].Data);
        Assert.Equal((citizen, "permanentResidence"), (data.GetProperty("citizenId").GetString(), data.GetProperty("changedFields")[0].GetString()));

        // The last delivery's header is where the webhook stands, and a pull read from there has nothing more of this citizen.
        Assert.True(await WaitForStatusAsync(s => s.GetProperty("deliveredThrough").GetString() == deliveries[^1].NextCursor));
        var after = await (await _tax.GetAsync($"/v1/feed?after={deliveries[^1].NextCursor}")).ReadJsonAsync();
        Assert.DoesNotContain(after.GetProperty("events").EnumerateArray(), e => e.GetProperty("subject").GetString() == citizen);
    }

    [Fact]
    public async Task Webhook_DeliveredEvent_IsInTheCitizensAccessLogBeforeItIsSent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await RegisterAsync(receiver);
        var citizen = await FollowedCitizenAsync();

        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(citizen, 11)).StatusCode);
        Assert.True(await receiver.WaitForAsync(r => r.Events().Any(e => e.GetProperty("subject").GetString() == citizen)));

        var holder = await Consents.CitizenTokens.ClientAsync(factory, citizen);
        var log = (await (await holder.GetAsync("/me/access-log?limit=50")).ReadJsonAsync()).GetProperty("entries").EnumerateArray().ToList();
        var told = Assert.Single(log, e => e.GetProperty("operation").GetString() == "event-delivered-webhook");
        Assert.Equal(("GDT", "tax-registration"), (told.GetProperty("agencyCode").GetString(), told.GetProperty("purpose").GetString()));
        Assert.Equal(["permanentResidence"], told.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Webhook_EndpointFailsTwice_IsRetriedWithTheSameMessageIdUntilDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = n => n <= 2 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK;
        var secret = await RegisterAsync(receiver);
        var citizen = await FollowedCitizenAsync();

        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(citizen, 10)).StatusCode);

        Assert.True(await receiver.WaitForAsync(r => r.Received.Count >= 3));
        var attempts = receiver.Received.ToList();
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.All(attempts, a => a.Verify(secret));
        Assert.True(await WaitForStatusAsync(s => s.GetProperty("status").GetString() == "active" && s.GetProperty("attempts").GetInt32() == 0));
    }

    [Fact]
    public async Task Webhook_EndpointKeepsFailing_IsMarkedFailing_ThenReplayDeliversEveryEventInOrder()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => HttpStatusCode.InternalServerError;
        await RegisterAsync(receiver);
        var from = (await StatusAsync()).GetProperty("deliveredThrough").GetString()!;
        var citizen = await FollowedCitizenAsync();
        for (var house = 1; house <= 3; house++)
        {
            Assert.Equal(HttpStatusCode.OK, (await MoveAsync(citizen, house)).StatusCode);
        }

        Assert.True(await WaitForStatusAsync(s => s.GetProperty("status").GetString() == "failing"));
        var failing = await StatusAsync();
        Assert.Equal("HTTP 500", failing.GetProperty("lastError").GetString());
        Assert.True(failing.GetProperty("attempts").GetInt32() > 2);
        // Failing: no attempt is scheduled any more; events wait until the agency acts.
        Assert.Equal(JsonValueKind.Null, failing.GetProperty("nextAttemptAt").ValueKind);
        var triedBeforeReplay = receiver.Received.Count;

        receiver.Answer = _ => HttpStatusCode.NoContent;
        Assert.Equal(HttpStatusCode.Accepted, (await _tax.PostAsJsonAsync("/v1/webhook/replay", new { after = from })).StatusCode);

        Assert.True(await receiver.WaitForAsync(r => r.Received.Skip(triedBeforeReplay).SelectMany(m => m.Events)
            .Count(e => e.GetProperty("subject").GetString() == citizen) >= 3));
        var replayed = receiver.Received.Skip(triedBeforeReplay).SelectMany(m => m.Events)
            .Where(e => e.GetProperty("subject").GetString() == citizen).Select(e => long.Parse(e.GetProperty("sequence").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(replayed.Order(), replayed);
        Assert.Equal(3, replayed.Distinct().Count());
        Assert.True(await WaitForStatusAsync(s => s.GetProperty("status").GetString() == "active"));
    }

    [Fact]
    public async Task Webhook_SecretIsShownOnlyWhenCreated_AndRegisteringAgainKeepsIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = await RegisterAsync(receiver);
        var again = await _tax.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url + "?v=2" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await again.ReadJsonAsync();
        Assert.False(body.TryGetProperty("secret", out _));
        Assert.EndsWith("?v=2", body.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await (await _tax.GetAsync("/v1/webhook")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var citizen = await FollowedCitizenAsync();
        Assert.Equal(HttpStatusCode.OK, (await MoveAsync(citizen, 4)).StatusCode);
        Assert.True(await receiver.WaitForAsync(r => r.Events().Any(e => e.GetProperty("subject").GetString() == citizen)));
        receiver.Received.Last().Verify(secret);
    }

    [Theory]
    [InlineData("""{"after":"-1"}""", "after")]
    [InlineData("""{"after":null}""", "after")]
    public async Task Replay_BadCursor_IsValidationFailed(string json, string field)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await RegisterAsync(receiver);
        var response = await _tax.PostAsync("/v1/webhook/replay", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
    }

    [Fact]
    public async Task Replay_CursorPastTheFeedsEnd_IsCursorBeyondEnd()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await RegisterAsync(receiver);
        var response = await _tax.PostAsync("/v1/webhook/replay", new StringContent("""{"after":"99999999999"}""", System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "cursor-beyond-end");
        Assert.True(long.Parse(problem.GetProperty("latestCursor").GetString()!, System.Globalization.CultureInfo.InvariantCulture) < 99999999999);
    }

    [Fact]
    public async Task Replay_WithoutACursor_IsMalformed()
    {
        var response = await _tax.PostAsync("/v1/webhook/replay", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
    }

    [Fact]
    public async Task Webhook_NoneRegistered_GetReplayAndDeleteAreNotFound()
    {
        var pensions = factory.Agency("VSS");
        await (await pensions.GetAsync("/v1/webhook")).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await pensions.PostAsJsonAsync("/v1/webhook/replay", new { after = "0" })).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await pensions.DeleteAsync("/v1/webhook")).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await factory.CreateClient().GetAsync("/v1/webhook")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    private async Task<bool> WaitForStatusAsync(Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (done(await StatusAsync()))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
