using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Events;
using OrleansHub.Host.Disclosures;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Host.Tests.Events;

/// <summary>
/// An event's type discloses something by itself (<c>death-recorded</c>: the death): it reaches only agencies that may see
/// what it implies, on every channel (they all ask the disclosure service), and only they may subscribe to it.
/// </summary>
public sealed class EventImplicationTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string Death = "vn.orleanshub.citizen.death-recorded.v1";

    // Every field some type implies or names, plus one of no kind (record-changed): the agreements are all its subsets.
    private static readonly string[] Universe =
        [F.DateOfDeath, F.CardStatus, F.CardNumber, F.EIdStatus, F.MaritalStatus, F.SpouseName, F.PermanentResidence, F.FullName, F.TaxCode, F.Religion];

    private readonly HttpClient _operator = factory.CreateOperatorClient();

    [Fact]
    public void Table_CoversEveryEventType_AndDeathImpliesTheDateOfDeath()
    {
        Assert.All(CitizenEventTypes.All, t => Assert.NotNull(CitizenEventImplications.RequiredFields(t)));
        Assert.Equal([F.DateOfDeath], CitizenEventImplications.RequiredFields(Death));
        Assert.Equal([F.DateOfDeath], CitizenEventImplications.RequiredFields("vn.orleanshub.citizen.death-recorded.v7")); // a later version
        Assert.Null(CitizenEventImplications.RequiredFields("vn.orleanshub.citizen.deceased.v1"));                       // unknown: nobody
        Assert.Null(CitizenEventImplications.RequiredFields("death-recorded"));
    }

    /// <summary>The changed fields a real event of <paramref name="type"/> names (record-changed: a field of no other kind).</summary>
    private static IReadOnlyList<string> ChangedFieldsOf(string type) =>
        type == CitizenEventTypes.ConsentRevoked ? [F.FullName] : CitizenEventClassifier.FieldsOf(type) ?? [F.Religion];

    [Fact]
    public async Task Delivery_EveryTypeTimesEveryAgreement_OnlyToAgenciesThatMaySeeWhatTheTypeImplies()
    {
        var disclosures = factory.Services.GetRequiredService<DisclosureService>();
        var citizen = TestIds.NewCitizen();
        string[] renamed = ["vn.orleanshub.citizen.death-recorded.v2", "vn.orleanshub.citizen.deceased.v1", "vn.orleanshub.citizen.record-changed"];
        var types = CitizenEventTypes.All.Concat(renamed).ToList();
        var checkedCombinations = 0;
        for (var mask = 0; mask < 1 << Universe.Length; mask++)
        {
            string[] agreement = [.. Universe.Where((_, i) => (mask & (1 << i)) != 0)];
            var agency = new AgencyPolicy("IMPL", new AgencyDefinition("Implications", AgencyKind.State, AgencyStatus.Active, agreement, ["p"], false), 1,
                DateTimeOffset.UtcNow);
            var offers = types.Select((type, i) => new EventOffer(i + 1, "p", new CitizenEvent(
                Guid.NewGuid(), citizen, i + 1, type, DateTimeOffset.UtcNow, 1, ChangedFieldsOf(type),
                type == CitizenEventTypes.ConsentRevoked ? new ConsentNotice(Guid.NewGuid(), "IMPL", "p") : null))).ToList();

            var delivered = (await disclosures.DeliverAsync(agency, offers, "pull", "implications")).ToDictionary(d => d.Event.Type);

            foreach (var type in types)
            {
                var visible = ChangedFieldsOf(type).Where(agreement.Contains).ToList();
                var expected = type == CitizenEventTypes.ConsentRevoked
                    || (CitizenEventImplications.RequiredFields(type) is { } required && required.All(agreement.Contains) && visible.Count > 0);
                Assert.True(expected == delivered.ContainsKey(type), $"{type} with agreement [{string.Join(", ", agreement)}]: expected delivered={expected}");
                if (expected && type != CitizenEventTypes.ConsentRevoked)
                {
                    Assert.Equal(visible, delivered[type].Event.ChangedFields);
                }

                checkedCombinations++;
            }
        }

        Assert.Equal((1 << Universe.Length) * types.Count, checkedCombinations);
    }

    private async Task<HttpClient> NewAgencyAsync(string[] fields, string purpose)
    {
        var code = $"I{Random.Shared.Next(10_000_000, 99_999_999)}";
        Assert.True((await _operator.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Cơ quan thử", kind = "state", status = "active", fields, purposes = new[] { purpose }, requiresConsent = false,
        })).IsSuccessStatusCode);
        var key = (await (await _operator.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync()).GetProperty("key").GetString()!;
        return factory.CreateClient().WithBearer(key);
    }

    [Fact]
    public async Task Feed_AgencySeeingTheEIdStatusButNotTheDateOfDeath_IsNotToldOfTheDeath()
    {
        var agency = await NewAgencyAsync([F.EIdStatus, F.FullName], "identity-check");
        var citizen = await factory.NewCitizenAsync();
        Assert.Equal(HttpStatusCode.Created, (await agency.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "identity-check" })).StatusCode);

        // The death locks the e-ID (a field it sees); then a name correction, so we know the feed got past the death.
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { dateOfDeath = "2026-11-27" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(citizen, new { fullName = "Nguyễn Văn Ân" })).StatusCode);

        var events = new List<JsonElement>();
        var after = "0";
        var clock = Stopwatch.StartNew();
        while (!events.Any(e => e.GetProperty("type").GetString()!.Contains("name-corrected", StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var page = await (await agency.GetAsync($"/v1/feed?after={after}&wait=5")).ReadJsonAsync();
            events.AddRange(page.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("subject").GetString() == citizen));
            after = page.GetProperty("next").GetString()!;
        }

        Assert.Contains(events, e => e.GetProperty("type").GetString() == "vn.orleanshub.citizen.name-corrected.v1");
        Assert.DoesNotContain(events, e => e.GetProperty("type").GetString()!.Contains("death", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Subscribe_ToDeathsWithoutTheDateOfDeath_IsRefused()
    {
        var agency = await NewAgencyAsync([F.CardStatus, F.EIdStatus], "card-check");
        var citizen = await factory.NewCitizenAsync();

        var byCitizen = await agency.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = "card-check", eventTypes = new[] { Death } });
        await byCitizen.AssertProblemAsync(HttpStatusCode.Forbidden, "field-not-in-agreement");
        var population = await agency.PutAsJsonAsync($"/v1/subscriptions/population/{Death}", new { purpose = "card-check" });
        await population.AssertProblemAsync(HttpStatusCode.Forbidden, "field-not-in-agreement");
    }

    [Fact]
    public async Task Schema_NamesTheFieldsTheTypeImplies()
    {
        var schema = await (await factory.CreateClient().GetAsync($"/events/schemas/{Death}")).ReadJsonAsync();
        Assert.Equal([F.DateOfDeath], schema.GetProperty("x-orleanshub-requires-fields").EnumerateArray().Select(f => f.GetString()));
    }
}
