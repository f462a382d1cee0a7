using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Json.Schema;
using OrleansHub.Host.Tests.Consents;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Events;

/// <summary>Subscriptions and the agency feed over real HTTP on the embedded hub (the demo agencies GDT, VCB and VSS).</summary>
public sealed class FeedApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string Residence = "vn.orleanshub.citizen.residence-changed.v1";
    private const string Death = "vn.orleanshub.citizen.death-recorded.v1";

    private readonly HttpClient _operator = factory.CreateOperatorClient();

    /// <summary>The cursor after everything now in the agency's feed.</summary>
    private static async Task<string> EndOfFeedAsync(HttpClient agency)
    {
        var after = "0";
        while (true)
        {
            var page = await (await agency.GetAsync($"/v1/feed?after={after}&limit=500")).ReadJsonAsync();
            var next = page.GetProperty("next").GetString()!;
            if (next == after)
            {
                return after;
            }

            after = next;
        }
    }

    /// <summary>Long-polls from <paramref name="after"/> until an event about <paramref name="citizenId"/> arrives (or 15 s pass).</summary>
    private static async Task<List<JsonElement>> EventsAboutAsync(HttpClient agency, string citizenId, string after, int atLeast = 1)
    {
        var found = new List<JsonElement>();
        var clock = Stopwatch.StartNew();
        while (found.Count < atLeast && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var response = await agency.GetAsync($"/v1/feed?after={after}&wait=5");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJsonAsync();
            found.AddRange(page.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("subject").GetString() == citizenId));
            after = page.GetProperty("next").GetString()!;
        }

        return found;
    }

    private static string[] ChangedFields(JsonElement e) =>
        [.. e.GetProperty("data").GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()!)];

    [Fact]
    public async Task StateAgency_FollowsACitizen_LongPollWakesWithTheChangeShowingOnlyAgreedFields()
    {
        var tax = factory.Agency("GDT");
        var citizen = await factory.NewCitizenAsync();
        var subscribed = await tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "tax-registration" });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        var after = await EndOfFeedAsync(tax);

        var waiting = tax.GetAsync($"/v1/feed?after={after}&wait=20");
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new
        {
            permanentResidence = "Số 9 phố Hàng Bài, Hà Nội", currentResidence = "Số 9 phố Hàng Bài, Hà Nội",
        })).StatusCode);

        var page = await (await waiting.WaitAsync(TimeSpan.FromSeconds(15))).ReadJsonAsync();
        var e = Assert.Single(page.GetProperty("events").EnumerateArray(), x => x.GetProperty("subject").GetString() == citizen);
        Assert.Equal(Residence, e.GetProperty("type").GetString());
        Assert.Equal(["permanentResidence"], ChangedFields(e));   // GDT's agreement has no currentResidence
        Assert.DoesNotContain("Hàng Bài", page.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscription_ToSomeTypes_DeliversOnlyThose()
    {
        var tax = factory.Agency("GDT");
        var citizen = await factory.NewCitizenAsync();
        Assert.Equal(HttpStatusCode.Created, (await tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}",
            new { purpose = "tax-registration", eventTypes = new[] { "vn.orleanshub.citizen.name-corrected.v1" } })).StatusCode);
        var after = await EndOfFeedAsync(tax);

        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { permanentResidence = "Số 1 Tràng Tiền, Hà Nội" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { fullName = "Nguyễn Văn Ân" })).StatusCode);

        var events = await EventsAboutAsync(tax, citizen, after);
        Assert.Equal(["vn.orleanshub.citizen.name-corrected.v1"], events.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task PensionFund_FollowsDeathsPopulationWide_HearsOfADeathOfACitizenItNeverNamed()
    {
        var pensions = factory.Agency("VSS");
        // The demo agency may already follow deaths (the class's tests share one hub): it starts without, so the one right answer is 201.
        await pensions.DeleteAsync($"/v1/subscriptions/population/{Death}");
        var subscribed = await pensions.PutAsJsonAsync($"/v1/subscriptions/population/{Death}", new { purpose = "benefit-eligibility" });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        var citizen = await factory.NewCitizenAsync();
        var after = await EndOfFeedAsync(pensions);

        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { dateOfDeath = "2026-11-27" })).StatusCode);

        var e = Assert.Single(await EventsAboutAsync(pensions, citizen, after));
        Assert.Equal(Death, e.GetProperty("type").GetString());
        Assert.Equal(["dateOfDeath"], ChangedFields(e));
    }

    [Fact]
    public async Task Bank_NeedsConsentToFollow_AndEventsStopWhenItIsRevoked()
    {
        var bank = factory.Agency("VCB");
        var citizen = await factory.NewCitizenAsync();
        await (await bank.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "kyc-onboarding" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "consent-required");

        var consent = await factory.GrantVcbAsync(citizen, ["fullName", "permanentResidence"]);
        Assert.Equal(HttpStatusCode.Created, (await bank.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "kyc-onboarding" })).StatusCode);
        var after = await EndOfFeedAsync(bank);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { fullName = "Nguyễn Văn Ấn" })).StatusCode);
        var first = Assert.Single(await EventsAboutAsync(bank, citizen, after));
        Assert.Equal(["fullName"], ChangedFields(first));

        Assert.Equal(HttpStatusCode.OK, (await (await CitizenTokens.ClientAsync(factory, citizen)).DeleteAsync($"/me/consents/{consent}")).StatusCode);
        Assert.Single(await EventsAboutAsync(bank, citizen, after, atLeast: 2), e => e.GetProperty("type").GetString() == "vn.orleanshub.citizen.consent-revoked.v1");
        var afterRevocation = await EndOfFeedAsync(bank);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { fullName = "Nguyễn Văn Ẩn" })).StatusCode);

        // The event reaches the bank's feed but is not delivered: the cursor moves on past it, no event is shown.
        var clock = Stopwatch.StartNew();
        var cursor = afterRevocation;
        while (cursor == afterRevocation && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var page = await (await bank.GetAsync($"/v1/feed?after={cursor}&wait=5")).ReadJsonAsync();
            Assert.DoesNotContain(page.GetProperty("events").EnumerateArray(), e => e.GetProperty("subject").GetString() == citizen);
            cursor = page.GetProperty("next").GetString()!;
        }

        Assert.NotEqual(afterRevocation, cursor);
    }

    [Fact]
    public async Task ConsentRevoked_ReachesItsAgencyUnfollowed_AndNoOtherFollower()
    {
        var bank = factory.Agency("VCB");
        var tax = factory.Agency("GDT");
        var citizen = await factory.NewCitizenAsync();
        Assert.Equal(HttpStatusCode.Created, (await tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "tax-registration" })).StatusCode);
        var consent = await factory.GrantVcbAsync(citizen, ["permanentResidence", "fullName"]);
        var (bankAfter, taxAfter) = (await EndOfFeedAsync(bank), await EndOfFeedAsync(tax));

        using var citizenClient = await CitizenTokens.ClientAsync(factory, citizen);
        Assert.Equal(HttpStatusCode.OK, (await citizenClient.DeleteAsync($"/me/consents/{consent}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { fullName = "Nguyễn Văn Ẩn" })).StatusCode);

        var e = Assert.Single(await EventsAboutAsync(bank, citizen, bankAfter));
        Assert.Equal("vn.orleanshub.citizen.consent-revoked.v1", e.GetProperty("type").GetString());
        Assert.Equal(consent, e.GetProperty("data").GetProperty("consentId").GetString());
        Assert.Equal("kyc-onboarding", e.GetProperty("data").GetProperty("purpose").GetString());
        Assert.Equal(["fullName", "permanentResidence"], ChangedFields(e));

        // The tax department follows the citizen (every type) but hears only of the change, not of another agency's consent.
        var taxEvents = await EventsAboutAsync(tax, citizen, taxAfter);
        Assert.Equal(["vn.orleanshub.citizen.name-corrected.v1"], taxEvents.Select(x => x.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task ConsentRevokedEvents_CannotBeSubscribedTo() =>
        await (await factory.Agency("VSS").PutAsJsonAsync("/v1/subscriptions/population/vn.orleanshub.citizen.consent-revoked.v1", new { purpose = "benefit-eligibility" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

    /// <summary>Build options with a registry of their own: the library's global one refuses a second schema with the same $id.</summary>
    private static BuildOptions Fresh() => new() { SchemaRegistry = new SchemaRegistry() };

    [Fact]
    public async Task EventSchemas_AreListedForEveryTypeWithoutCredentials_AndAnUnknownTypeIs404()
    {
        var anonymous = factory.CreateClient();
        var list = await (await anonymous.GetAsync("/events/schemas")).ReadJsonAsync();
        Assert.Equal(11, list.GetArrayLength());
        foreach (var link in list.EnumerateArray())
        {
            var response = await anonymous.GetAsync(link.GetProperty("schema").GetString());
            Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
            var text = await response.Content.ReadAsStringAsync();
            JsonSchema.FromText(text, Fresh()); // a schema the library can load
            Assert.Equal(link.GetProperty("type").GetString(), JsonDocument.Parse(text).RootElement.GetProperty("title").GetString());
        }

        await (await anonymous.GetAsync("/events/schemas/vn.orleanshub.citizen.moved.v1")).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task DeliveredEvents_ValidateAgainstTheSchemaOfTheirType_AndATamperedOneDoesNot()
    {
        var tax = factory.Agency("GDT");
        var bank = factory.Agency("VCB");
        var citizen = await factory.NewCitizenAsync();
        Assert.Equal(HttpStatusCode.Created, (await tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "tax-registration" })).StatusCode);
        var consent = await factory.GrantVcbAsync(citizen, ["fullName"]);
        var (taxAfter, bankAfter) = (await EndOfFeedAsync(tax), await EndOfFeedAsync(bank));
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { permanentResidence = "Số 2 Đinh Tiên Hoàng, Hà Nội", fullName = "Nguyễn Văn Bảo" })).StatusCode);
        using var citizenClient = await CitizenTokens.ClientAsync(factory, citizen);
        Assert.Equal(HttpStatusCode.OK, (await citizenClient.DeleteAsync($"/me/consents/{consent}")).StatusCode);

        List<JsonElement> events = [.. await EventsAboutAsync(tax, citizen, taxAfter, atLeast: 2), .. await EventsAboutAsync(bank, citizen, bankAfter)];
        Assert.Equal(3, events.Count);
        foreach (var e in events)
        {
            var schema = JsonSchema.FromText(await factory.CreateClient().GetStringAsync($"/events/schemas/{e.GetProperty("type").GetString()}"), Fresh());
            var result = schema.Evaluate(e, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"{e}\n{JsonSerializer.Serialize(result)}");

            var tampered = System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText())!;
            tampered["data"]!["fullName"] = "Nguyễn Văn Bảo"; // a value, which events never carry
            Assert.False(schema.Evaluate(JsonDocument.Parse(tampered.ToJsonString()).RootElement).IsValid);
        }
    }

    [Fact]
    public async Task CommercialAgency_CannotFollowThePopulation() =>
        await (await factory.Agency("VCB").PutAsJsonAsync($"/v1/subscriptions/population/{Residence}", new { purpose = "kyc-onboarding" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "population-subscription-not-allowed");

    [Fact]
    public async Task EventTypeOutsideTheAgreement_IsRefusedNamingIt()
    {
        // GDT's agreement has no card or death fields.
        var problem = await (await factory.Agency("GDT").PutAsJsonAsync($"/v1/subscriptions/citizens/{TestIds.NewCitizen()}",
            new { purpose = "tax-registration", eventTypes = new[] { "vn.orleanshub.citizen.card-revoked.v1" } }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "field-not-in-agreement");
        Assert.Contains("card-revoked", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsubscribe_StopsFollowing_AndASecondTimeIs404()
    {
        var tax = factory.Agency("GDT");
        var citizen = await factory.NewCitizenAsync();
        await tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "tax-registration" });
        var listed = await (await tax.GetAsync("/v1/subscriptions/citizens?limit=1000")).ReadJsonAsync();
        Assert.Contains(listed.GetProperty("subscriptions").EnumerateArray(), s => s.GetProperty("citizenId").GetString() == citizen);

        Assert.Equal(HttpStatusCode.NoContent, (await tax.DeleteAsync($"/v1/subscriptions/citizens/{citizen}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tax.DeleteAsync($"/v1/subscriptions/citizens/{citizen}")).StatusCode);
    }

    [Theory]
    [InlineData("/v1/feed?after=-1", "after")]
    [InlineData("/v1/feed?after=abc", "after")]
    [InlineData("/v1/feed?after=99999999999999999999", "after")]
    [InlineData("/v1/feed?limit=0", "limit")]
    [InlineData("/v1/feed?wait=31", "wait")]
    [InlineData("/v1/feed/stream?after=1.5", "after")]
    [InlineData("/v1/subscriptions/citizens?after=12", "after")]
    public async Task BadQuery_Is400NamingIt(string path, string member)
    {
        var problem = await (await factory.Agency("GDT").GetAsync(path)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains(member, problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/feed?after=999999999")]
    [InlineData("/v1/feed?after=999999999&wait=5")]
    [InlineData("/v1/feed/stream?after=999999999")]
    public async Task Feed_CursorPastTheEnd_Is400CursorBeyondEnd_NamingTheLatestCursor(string path)
    {
        var tax = factory.Agency("GDT");

        var problem = await (await tax.GetAsync(path)).AssertProblemAsync(HttpStatusCode.BadRequest, "cursor-beyond-end");

        // The latest cursor it names is a place to resume from: reading after it is an empty page, not a refusal.
        var latest = problem.GetProperty("latestCursor").GetString()!;
        Assert.True(long.Parse(latest, System.Globalization.CultureInfo.InvariantCulture) < 999999999);
        var page = await tax.GetAsync($"/v1/feed?after={latest}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(latest, (await page.ReadJsonAsync()).GetProperty("next").GetString());
    }

    [Fact]
    public async Task Feed_CursorAtTheEnd_WaitsAndWakesForTheNextEvent()
    {
        var tax = factory.Agency("GDT");
        var citizen = await factory.NewCitizenAsync();
        Assert.Equal(HttpStatusCode.Created, (await tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "tax-registration" })).StatusCode);
        var end = await EndOfFeedAsync(tax);

        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { permanentResidence = "Số 8 Lý Thường Kiệt, Hà Nội" })).StatusCode);

        Assert.NotEmpty(await EventsAboutAsync(tax, citizen, end)); // the end is a cursor the feed gave: never "beyond" it
    }

    [Theory]
    [InlineData("12345", "{\"purpose\":\"tax-registration\"}", "citizenId")]
    [InlineData("001090001234", "{\"purpose\":\"Tax Registration\"}", "purpose")]
    [InlineData("001090001234", "{\"purpose\":\"tax-registration\",\"eventTypes\":[\"citizen.moved\"]}", "eventTypes")]
    [InlineData("001090001234", "{\"purpose\":\"tax-registration\",\"eventTypes\":[null]}", "eventTypes")]
    public async Task BadSubscription_Is400NamingTheMember(string citizenId, string body, string member)
    {
        var response = await factory.Agency("GDT").PutAsync($"/v1/subscriptions/citizens/{citizenId}",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains(member, problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_SendsTheEventLive_AndResumesAfterLastEventId()
    {
        var tax = factory.Agency("GDT");
        var citizen = await factory.NewCitizenAsync();
        await tax.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "tax-registration" });
        var after = await EndOfFeedAsync(tax);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/feed/stream?after={after}");
        using var response = await tax.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { fullName = "Nguyễn Văn Anh" })).StatusCode);

        var (id, type, data) = await NextEventAboutAsync(reader, citizen).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("vn.orleanshub.citizen.name-corrected.v1", type);
        Assert.Equal(["fullName"], ChangedFields(data));

        // Reconnecting with Last-Event-ID resumes after that event: the next one about this citizen is the next change.
        using var resume = new HttpRequestMessage(HttpMethod.Get, "/v1/feed/stream");
        resume.Headers.Add("Last-Event-ID", id);
        using var resumed = await tax.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead);
        using var resumedReader = new StreamReader(await resumed.Content.ReadAsStreamAsync());
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { permanentResidence = "Số 2 Lý Thái Tổ, Hà Nội" })).StatusCode);
        var (_, nextType, _) = await NextEventAboutAsync(resumedReader, citizen).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(Residence, nextType);
    }

    private static async Task<(string Id, string Type, JsonElement Data)> NextEventAboutAsync(StreamReader reader, string citizenId)
    {
        string? id = null, type = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var data = JsonDocument.Parse(line[6..]).RootElement;
                if (data.GetProperty("subject").GetString() == citizenId)
                {
                    return (id!, type!, data);
                }
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }
}
