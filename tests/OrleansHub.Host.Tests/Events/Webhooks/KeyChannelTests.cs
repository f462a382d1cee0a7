using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Events.Feeds;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Events.Webhooks;

/// <summary>
/// What a key opened ends with the key: its streams close and its long-polls end when it is revoked or rotated out, and
/// a webhook it pointed somewhere stops. A webhook's URL or secret changes only after the new endpoint answers a signed
/// challenge, every change is audited, and the operator can see and disable any agency's webhook.
/// </summary>
public sealed class KeyChannelTests(FastRetryHubFactory factory, ITestOutputHelper output) : IClassFixture<FastRetryHubFactory>
{
    private const string Purpose = "civil-records";
    private readonly HttpClient _operator = factory.CreateOperatorClient();

    private async Task<(string Code, HttpClient Client, string KeyId)> NewAgencyAsync()
    {
        var code = $"K{Random.Shared.Next(10_000_000, 99_999_999)}";
        Assert.True((await _operator.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Sở Tư pháp thử", kind = "state", status = "active", fields = new[] { "fullName", "permanentResidence" }, purposes = new[] { Purpose },
            requiresConsent = false,
        })).IsSuccessStatusCode);
        var (client, keyId) = await NewKeyAsync(code);
        return (code, client, keyId);
    }

    private async Task<(HttpClient Client, string KeyId)> NewKeyAsync(string code)
    {
        var issued = await (await _operator.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync();
        return (factory.CreateClient().WithBearer(issued.GetProperty("key").GetString()!), issued.GetProperty("keyId").GetString()!);
    }

    private async Task<string> FollowedCitizenAsync(HttpClient agency)
    {
        var citizen = await factory.NewCitizenAsync();
        Assert.Equal(HttpStatusCode.Created, (await agency.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = Purpose })).StatusCode);
        return citizen;
    }

    private async Task<List<AuditEntry>> AuditOfAgencyAsync(string code)
    {
        var store = factory.Services.GetRequiredService<InMemoryAuditStore>();
        var entries = new List<AuditEntry>();
        foreach (var chain in await store.ReadChainIdsAsync(CancellationToken.None))
        {
            if (await store.ReadHeadAsync(chain, CancellationToken.None) is { } head)
            {
                await foreach (var e in store.ReadEntriesAsync(chain, head.LastSequence, CancellationToken.None))
                {
                    if (e.Entry.AgencyCode == code)
                    {
                        entries.Add(e.Entry);
                    }
                }
            }
        }

        return entries;
    }

    /// <summary>Returns once the agency's long-poll is waiting on the hub (it holds one of the agency's places).</summary>
    private async Task WaitingReadOpenAsync(string code)
    {
        var waits = factory.Services.GetRequiredService<FeedWaitLimits>();
        var deadline = Stopwatch.StartNew();
        while (waits.OpenFor(code) == 0)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the long-poll never reached the hub");
            await Task.Delay(10);
        }
    }

    /// <summary>Reads the stream until it ends; returns its lines and how long after <paramref name="from"/> it ended.</summary>
    private static async Task<(List<string> Lines, TimeSpan EndedAfter)> ReadToEndAsync(StreamReader reader, Stopwatch from)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return (lines, from.Elapsed);
    }

    [Theory]
    [InlineData("revoke")]
    [InlineData("rotate")]
    public async Task Stream_KeyRevokedOrRotatedOut_ClosesWithinASecond(string how)
    {
        var (code, agency, keyId) = await NewAgencyAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/feed/stream");
        using var response = await agency.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var reading = Stopwatch.StartNew();
        var ended = ReadToEndAsync(reader, reading);
        Assert.False(ended.IsCompleted); // the headers came, so the stream is open and holds the agency's place
        Assert.Equal(1, factory.Services.GetRequiredService<FeedWaitLimits>().OpenFor(code));

        var clock = Stopwatch.StartNew();
        var revoked = how == "revoke"
            ? await _operator.DeleteAsync($"/admin/agencies/{code}/keys/{keyId}")
            : await _operator.PostAsync($"/admin/agencies/{code}/keys/{keyId}/rotate?graceSeconds=0", null);
        Assert.Equal(how == "revoke" ? HttpStatusCode.OK : HttpStatusCode.Created, revoked.StatusCode);
        var (lines, _) = await ended.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"stream closed {clock.ElapsedMilliseconds} ms after the {how}");

        Assert.Contains("event: key-revoked", lines);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"closed after {clock.ElapsedMilliseconds} ms"); // 200 ms checks; slack for a loaded CI machine
    }

    [Fact]
    public async Task LongPoll_KeyRevokedWhileWaiting_Ends401_AndTheNextLongPollIsRefused()
    {
        var (code, agency, keyId) = await NewAgencyAsync();
        var end = (await (await agency.GetAsync("/v1/feed?after=0&limit=500")).ReadJsonAsync()).GetProperty("next").GetString();
        var waiting = agency.GetAsync($"/v1/feed?after={end}&wait=25");
        await WaitingReadOpenAsync(code);
        Assert.False(waiting.IsCompleted);

        Assert.Equal(HttpStatusCode.OK, (await _operator.DeleteAsync($"/admin/agencies/{code}/keys/{keyId}")).StatusCode);

        var ended = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        await ended.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(HttpStatusCode.Unauthorized, (await agency.GetAsync($"/v1/feed?after={end}&wait=5")).StatusCode);
    }

    [Fact]
    public async Task Webhook_EndpointThatDoesNotEchoTheChallenge_Is422_AndNothingChanges()
    {
        var (code, agency, _) = await NewAgencyAsync();
        await using var good = await WebhookReceiver.StartAsync();
        await using var bad = await WebhookReceiver.StartAsync();
        bad.AnswersChallenges = false;

        var refused = await agency.PutAsJsonAsync("/v1/webhook", new { url = bad.Url });
        await refused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "webhook-verification-failed");
        Assert.Equal(HttpStatusCode.NotFound, (await agency.GetAsync("/v1/webhook")).StatusCode);

        var created = await agency.PutAsJsonAsync("/v1/webhook", new { url = good.Url });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.ReadJsonAsync()).GetProperty("secret").GetString()!;
        var challenge = Assert.Single(good.Challenges);
        challenge.Verify(secret); // signed with the secret it is being registered with

        var repoint = await agency.PutAsJsonAsync("/v1/webhook", new { url = bad.Url });
        await repoint.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "webhook-verification-failed");
        Assert.Equal(good.Url, (await (await agency.GetAsync("/v1/webhook")).ReadJsonAsync()).GetProperty("url").GetString());

        var citizen = await FollowedCitizenAsync(agency);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { permanentResidence = "Số 3 Hai Bà Trưng, Hà Nội" })).StatusCode);
        Assert.True(await good.WaitForAsync(r => r.Events().Any(e => e.GetProperty("subject").GetString() == citizen)));
        Assert.Empty(bad.Received);

        var audit = await AuditOfAgencyAsync(code);
        Assert.Contains(audit, e => e.Operation == "webhook-change" && e.Outcome == AuditOutcome.Allowed && e.Reason == "created");
        Assert.Equal(2, audit.Count(e => e.Operation == "webhook-register" && e.Outcome == AuditOutcome.Denied && e.Reason == "webhook-verification-failed"));
    }

    [Fact]
    public async Task Webhook_RotatedSecret_IsVerifiedWithTheNewSecret_AndAudited()
    {
        var (code, agency, _) = await NewAgencyAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var first = (await (await agency.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url })).ReadJsonAsync()).GetProperty("secret").GetString();

        var rotated = await agency.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url, rotateSecret = true });

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var second = (await rotated.ReadJsonAsync()).GetProperty("secret").GetString()!;
        Assert.NotEqual(first, second);
        receiver.Challenges.Last().Verify(second);
        Assert.Contains(await AuditOfAgencyAsync(code), e => e.Operation == "webhook-change" && e.Reason == "secret-rotated");
    }

    [Fact]
    public async Task Webhook_KeyThatSetItIsRevoked_DeliveriesStop_UntilRegisteredAgainWithACurrentKey()
    {
        var (code, thief, thiefKeyId) = await NewAgencyAsync();
        var (owner, _) = await NewKeyAsync(code);
        await using var receiver = await WebhookReceiver.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await thief.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url })).StatusCode);
        var citizen = await FollowedCitizenAsync(owner);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { permanentResidence = "Số 4 Hai Bà Trưng, Hà Nội" })).StatusCode);
        Assert.True(await receiver.WaitForAsync(r => r.Events().Count(e => e.GetProperty("subject").GetString() == citizen) == 1));

        Assert.Equal(HttpStatusCode.OK, (await _operator.DeleteAsync($"/admin/agencies/{code}/keys/{thiefKeyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { permanentResidence = "Số 5 Hai Bà Trưng, Hà Nội" })).StatusCode);

        Assert.False(await receiver.WaitForAsync(r => r.Events().Count(e => e.GetProperty("subject").GetString() == citizen) > 1, TimeSpan.FromSeconds(2)));
        var seen = await (await _operator.GetAsync($"/admin/agencies/{code}/webhook")).ReadJsonAsync();
        Assert.Equal(("disabled", "key-revoked"), (seen.GetProperty("status").GetString(), seen.GetProperty("disabledReason").GetString()));

        // The agency, with its current key, points it again (verified afresh): the waiting event is delivered.
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url })).StatusCode);
        Assert.True(await receiver.WaitForAsync(r => r.Events().Count(e => e.GetProperty("subject").GetString() == citizen) == 2));
    }

    [Fact]
    public async Task Operator_SeesAndDisablesAnAgencysWebhook_TheAgencyCannotUndoIt()
    {
        var (code, agency, keyId) = await NewAgencyAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await agency.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url })).StatusCode);

        var seen = await _operator.GetAsync($"/admin/agencies/{code}/webhook");
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        var shown = await seen.ReadJsonAsync();
        Assert.Equal((receiver.Url, "active", keyId), (shown.GetProperty("url").GetString(), shown.GetProperty("status").GetString(), shown.GetProperty("keyId").GetString()));
        Assert.False(shown.TryGetProperty("secret", out _));

        var disabled = await _operator.PostAsync($"/admin/agencies/{code}/webhook/disable", null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal("disabled", (await disabled.ReadJsonAsync()).GetProperty("status").GetString());
        var citizen = await FollowedCitizenAsync(agency);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { permanentResidence = "Số 6 Hai Bà Trưng, Hà Nội" })).StatusCode);
        Assert.False(await receiver.WaitForAsync(r => r.Received.Count > 0, TimeSpan.FromSeconds(1.5)));

        await (await agency.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url })).AssertProblemAsync(HttpStatusCode.Conflict, "webhook-disabled");
        await (await agency.DeleteAsync("/v1/webhook")).AssertProblemAsync(HttpStatusCode.Conflict, "webhook-disabled");
        Assert.Contains(await AuditOfAgencyAsync(code), e => e.Operation == "webhook-disabled" && e.Reason == "operator");
        Assert.Equal(HttpStatusCode.NotFound, (await _operator.GetAsync("/admin/agencies/NOSUCH1/webhook")).StatusCode);
    }
}
