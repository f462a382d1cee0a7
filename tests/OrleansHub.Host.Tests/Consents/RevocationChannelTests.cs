using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Host.Tests.Events.Webhooks;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Consents;

/// <summary>
/// A citizen's consent revocation holds on every channel an agency reads through, on its very next use: lookup, batch
/// lookup, verification, an idempotent replay of an answer given before, the pull feed, the stream and the webhook. Each
/// case runs on a two-silo PostgreSQL cluster (the consent granted and revoked through silo A, the agency served through
/// silo B, or both) and first uses the channel successfully, so every cache on the way (agency directory, consent and
/// citizen grain activations, kept idempotent answers, open streams, a webhook in retry) is warm when the revocation lands.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class RevocationChannelTests(PostgresServer postgres, TwoSiloHub hub) : IClassFixture<TwoSiloHub>, IAsyncLifetime
{
    private const string Purpose = "kyc-onboarding";
    private const string ConsentRevoked = "vn.orleanshub.citizen.consent-revoked.v1";

    // A webhook receiver on loopback, as in development; retries come quickly so a test does not wait on backoff.
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Hub__Webhooks__RequireHttps"] = "false",
        ["Hub__Webhooks__AllowPrivateNetworks"] = "true",
        ["Hub__Webhooks__InitialRetryDelay"] = "00:00:00.100",
        ["Hub__Webhooks__MaxRetryDelay"] = "00:00:00.500",
        ["Hub__Webhooks__SweepInterval"] = "00:00:00.500",
    };

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => hub.StartAsync(postgres, Settings);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The request/response channels: each answers once with the citizen's data, then refuses after the revocation.</summary>
    [Theory]
    [InlineData("lookup")]
    [InlineData("batch")]
    [InlineData("verification")]
    [InlineData("replay")]
    public async Task Channel_ConsentRevokedThroughSiloA_NextRequestThroughSiloBDisclosesNothing(string channel)
    {
        var bank = await NewBankAsync();
        var (citizenId, name) = await NewCitizenAsync();
        var consent = await GrantAsync(citizenId, bank.Code);
        using var onA = TwoSiloHub.Agency(hub.A, bank.Key);
        using var onB = TwoSiloHub.Agency(hub.B, bank.Key);
        var idempotencyKey = Guid.NewGuid().ToString();
        Func<HttpClient, Task<HttpResponseMessage>> send = channel switch
        {
            "lookup" => agency => agency.LookupAsync(citizenId, Purpose, "fullName"),
            "batch" => agency => agency.PostAsJsonAsync("/v1/lookups/batch", new { citizenIds = new[] { citizenId }, fields = new[] { "fullName" }, purpose = Purpose }),
            "verification" => agency => agency.PostAsJsonAsync("/v1/verifications",
                new { citizenId, purpose = Purpose, claims = new Dictionary<string, string> { ["fullName"] = name } }),
            "replay" => agency => SendWithKeyAsync(agency, idempotencyKey, new { citizenId, fields = new[] { "fullName" }, purpose = Purpose }),
            _ => throw new ArgumentOutOfRangeException(nameof(channel)),
        };

        // First use through B (and, for the replay, the kept answer replayed once through A): the data flows.
        var first = await send(onB);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(Discloses(channel, await first.ReadJsonAsync(), name), $"{channel} before the revocation: {await first.Content.ReadAsStringAsync()}");
        if (channel == "replay")
        {
            var replayed = await send(onA);
            Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
            Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        }

        await RevokeAsync(citizenId, consent);
        var after = await send(onB);

        var body = await after.Content.ReadAsStringAsync();
        Assert.DoesNotContain(name, body, StringComparison.Ordinal);
        if (channel == "batch")
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            var item = (await after.ReadJsonAsync()).GetProperty("items").EnumerateArray().Single();
            Assert.Equal("denied", item.GetProperty("outcome").GetString());
            Assert.Equal("/problems/consent-required", item.GetProperty("problem").GetProperty("type").GetString());
        }
        else
        {
            await after.AssertProblemAsync(HttpStatusCode.Forbidden, "consent-required");
            Assert.False(after.Headers.Contains("Idempotent-Replayed"), "The kept answer was replayed after the revocation.");
        }
    }

    [Fact]
    public async Task Feed_ConsentRevokedThroughSiloA_NextReadThroughSiloBHasOnlyTheRevocation()
    {
        var bank = await NewBankAsync();
        var scene = await FollowTwoCitizensAsync(bank);
        using var onB = TwoSiloHub.Agency(hub.B, bank.Key);

        // First use: the feed shows a change of R.
        await RenameAsync(scene.Revoking);
        var (warm, cursor) = await ReadFeedUntilAsync(onB, "0", e => IsAbout(e, scene.Revoking.Id));
        Assert.Contains(warm, e => IsAbout(e, scene.Revoking.Id) && Type(e) != ConsentRevoked);

        // A change made while consent still held but not read yet, the revocation, a change after it, then the control's change.
        await RenameAsync(scene.Revoking);
        await RevokeAsync(scene.Revoking.Id, scene.RevokingConsent);
        await RenameAsync(scene.Revoking);
        await RenameAsync(scene.Control);
        var (read, _) = await ReadFeedUntilAsync(onB, cursor, e => IsAbout(e, scene.Control.Id));

        AssertOnlyTheRevocation(read, scene);
    }

    [Fact]
    public async Task Stream_ConsentRevokedThroughSiloA_OpenStreamOnSiloBSendsOnlyTheRevocation()
    {
        var bank = await NewBankAsync();
        var scene = await FollowTwoCitizensAsync(bank);
        using var onB = TwoSiloHub.Agency(hub.B, bank.Key);
        var (_, end) = await ReadFeedUntilAsync(onB, "0", _ => true, wait: 0);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/feed/stream?after={end}");
        using var cancel = new CancellationTokenSource(Deadline * 2);
        using var response = await onB.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        // First use: the open stream sends a change of R.
        await RenameAsync(scene.Revoking);
        var warm = await ReadStreamUntilAsync(stream, e => IsAbout(e, scene.Revoking.Id), cancel.Token);
        Assert.Contains(warm, e => IsAbout(e, scene.Revoking.Id) && Type(e) != ConsentRevoked);

        await RevokeAsync(scene.Revoking.Id, scene.RevokingConsent);
        await RenameAsync(scene.Revoking);
        await RenameAsync(scene.Control);
        var sent = await ReadStreamUntilAsync(stream, e => IsAbout(e, scene.Control.Id), cancel.Token);

        AssertOnlyTheRevocation(sent, scene);
    }

    [Fact]
    public async Task Webhook_ConsentRevokedWhileADeliveryIsRetried_TheRetryAndLaterDeliveriesCarryOnlyTheRevocation()
    {
        var bank = await NewBankAsync();
        var scene = await FollowTwoCitizensAsync(bank);
        await using var receiver = await WebhookReceiver.StartAsync();
        // The n-th POST (1-based) is the n-th received; the numbers of those answered 2xx are kept.
        var accepting = true;
        var accepted = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        receiver.Answer = n =>
        {
            if (!Volatile.Read(ref accepting))
            {
                return HttpStatusCode.ServiceUnavailable;
            }

            accepted[n] = true;
            return HttpStatusCode.NoContent;
        };
        using var onB = TwoSiloHub.Agency(hub.B, bank.Key);
        var registered = await onB.PutAsJsonAsync("/v1/webhook", new { url = receiver.Url });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());

        // First use: a change of R is delivered (and accepted).
        await RenameAsync(scene.Revoking);
        Assert.True(await receiver.WaitForAsync(r => WebhookEvents(r).Any(e => IsAbout(e, scene.Revoking.Id)), Deadline), "The first change never arrived.");

        // The receiver now fails: a change of R made while consent holds is sent, refused, and waits for its retry.
        Volatile.Write(ref accepting, false);
        var warm = receiver.Received.Count;
        await RenameAsync(scene.Revoking);
        Assert.True(await receiver.WaitForAsync(r => WebhookEvents(r, skip: warm).Any(e => IsAbout(e, scene.Revoking.Id)), Deadline),
            "The second change was never attempted.");

        await RevokeAsync(scene.Revoking.Id, scene.RevokingConsent);
        await RenameAsync(scene.Revoking);
        await RenameAsync(scene.Control);
        Volatile.Write(ref accepting, true);
        bool Accepted(int n) => accepted.ContainsKey(n);
        Assert.True(await receiver.WaitForAsync(r => WebhookEvents(r, skip: warm, only: Accepted).Any(e => IsAbout(e, scene.Control.Id)), Deadline),
            "The control citizen's change never arrived.");

        // Every POST accepted after the first: all were answered after the revocation, the retry of the refused message included.
        AssertOnlyTheRevocation(WebhookEvents(receiver, skip: warm, only: Accepted), scene);
    }

    /// <summary>
    /// The events of the webhook POSTs received after the first <paramref name="skip"/>, whatever the delivery format: a JSON
    /// array of events (CloudEvents batch) or an object with an <c>events</c> array (a feed page).
    /// </summary>
    private static List<JsonElement> WebhookEvents(WebhookReceiver receiver, int skip = 0, Func<int, bool>? only = null) =>
        [.. receiver.Received.Select((r, i) => (Post: r, Number: i + 1)).Skip(skip).Where(p => only?.Invoke(p.Number) ?? true).Select(p => p.Post).SelectMany(r =>
        {
            var body = JsonDocument.Parse(r.Body).RootElement;
            return body.ValueKind == JsonValueKind.Array ? body.EnumerateArray() : body.GetProperty("events").EnumerateArray();
        })];

    private static void AssertOnlyTheRevocation(IReadOnlyList<JsonElement> events, Scene scene)
    {
        var aboutRevoking = events.Where(e => IsAbout(e, scene.Revoking.Id)).Select(Type).ToList();
        Assert.True(aboutRevoking.SequenceEqual([ConsentRevoked]),
            $"After the revocation the agency was sent, about the citizen who revoked: [{string.Join(", ", aboutRevoking)}]");
        Assert.Equal(scene.RevokingConsent, events.Single(e => Type(e) == ConsentRevoked).GetProperty("data").GetProperty("consentId").GetString());
        Assert.Contains(events, e => IsAbout(e, scene.Control.Id));
    }

    private static bool IsAbout(JsonElement cloudEvent, string citizenId) => cloudEvent.GetProperty("subject").GetString() == citizenId;

    private static string Type(JsonElement cloudEvent) => cloudEvent.GetProperty("type").GetString()!;

    private static bool Discloses(string channel, JsonElement answer, string name) => channel switch
    {
        "batch" => answer.GetProperty("items")[0].GetProperty("result").GetProperty("fields").GetProperty("fullName").GetProperty("value").GetString() == name,
        "verification" => answer.GetProperty("claims").GetProperty("fullName").GetBoolean(),
        _ => answer.GetProperty("fields").GetProperty("fullName").GetProperty("value").GetString() == name,
    };

    private static async Task<HttpResponseMessage> SendWithKeyAsync(HttpClient agency, string idempotencyKey, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/lookups") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await agency.SendAsync(request);
    }

    /// <summary>Reads the feed from <paramref name="after"/> (long-polling) until an event matches; returns what was read and the next cursor.</summary>
    private static async Task<(List<JsonElement> Events, string Next)> ReadFeedUntilAsync(HttpClient agency, string after, Func<JsonElement, bool> until, int wait = 5)
    {
        var read = new List<JsonElement>();
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var page = await agency.GetAsync($"/v1/feed?after={after}&wait={wait}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var body = await page.ReadJsonAsync();
            read.AddRange(body.GetProperty("events").EnumerateArray().Select(e => e.Clone()));
            after = body.GetProperty("next").GetString()!;
            if (wait == 0 ? body.GetProperty("events").GetArrayLength() == 0 : read.Any(until))
            {
                return (read, after);
            }

            Assert.True(DateTime.UtcNow < deadline, "The awaited event never reached the feed.");
        }
    }

    /// <summary>Reads server-sent events until one matches; returns every event read.</summary>
    private static async Task<List<JsonElement>> ReadStreamUntilAsync(StreamReader stream, Func<JsonElement, bool> until, CancellationToken cancellationToken)
    {
        var read = new List<JsonElement>();
        while (await stream.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var cloudEvent = JsonDocument.Parse(line[6..]).RootElement.Clone();
                read.Add(cloudEvent);
                if (until(cloudEvent))
                {
                    return read;
                }
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }

    /// <summary>Two citizens the bank follows with their consent: R, who will revoke, and C, the control whose events keep flowing.</summary>
    private async Task<Scene> FollowTwoCitizensAsync((string Code, string Key) bank)
    {
        var revoking = await NewCitizenAsync();
        var control = await NewCitizenAsync();
        var revokingConsent = await GrantAsync(revoking.Id, bank.Code);
        await GrantAsync(control.Id, bank.Code);
        using var onA = TwoSiloHub.Agency(hub.A, bank.Key);
        foreach (var id in new[] { revoking.Id, control.Id })
        {
            Assert.Equal(HttpStatusCode.Created, (await onA.PutAsJsonAsync($"/v1/subscriptions/citizens/{id}", new { purpose = Purpose })).StatusCode);
        }

        return new Scene(revoking, control, revokingConsent);
    }

    private async Task<(string Code, string Key)> NewBankAsync()
    {
        var code = await hub.NewAgencyAsync("Ngân hàng thu hồi", commercial: true, Purpose);
        return (code, (await hub.IssueKeyAsync(code)).Key);
    }

    private async Task<Citizen> NewCitizenAsync()
    {
        var name = NewName();
        return new Citizen(await hub.NewCitizenAsync(name), name);
    }

    /// <summary>Gives the citizen a new name through silo A (a name-corrected event the bank may see while consent holds).</summary>
    private async Task RenameAsync(Citizen citizen)
    {
        var renamed = await hub.A.Client.PatchCitizenAsync(citizen.Id, new { fullName = NewName() });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
    }

    private async Task<string> GrantAsync(string citizenId, string agencyCode)
    {
        using var citizen = hub.Citizen(hub.A, citizenId);
        var granted = await citizen.PostAsJsonAsync("/me/consents", new
        {
            agencyCode,
            purpose = Purpose,
            purposeText = "Mở tài khoản thanh toán",
            fields = new[] { "fullName" },
            validUntil = DateTimeOffset.UtcNow.AddDays(30),
            retentionDays = 365,
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        return (await granted.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    private async Task RevokeAsync(string citizenId, string consentId)
    {
        using var citizen = hub.Citizen(hub.A, citizenId);
        Assert.Equal(HttpStatusCode.OK, (await citizen.DeleteAsync($"/me/consents/{consentId}")).StatusCode);
    }

    // A family and middle name with a random given name, so a leak of this citizen's name is found and nobody else's is.
    private static string NewName() =>
        $"Phạm Thị {char.ToUpperInvariant(Random.Shared.GetItems("bcdghklmnpqstvx".AsSpan(), 1)[0])}{new string(Random.Shared.GetItems("aeiouyăâêôơư".AsSpan(), 1))}{new string(Random.Shared.GetItems("bcdghklmnpqrstvx".AsSpan(), 6))}";

    private sealed record Citizen(string Id, string Name);

    private sealed record Scene(Citizen Revoking, Citizen Control, string RevokingConsent);
}
