using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Host.Tests.Consents;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Transparency;

/// <summary>The citizen's view of who read their data, and disputes the operator and the agency concerned (only) can list.</summary>
public sealed class AccessLogApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private static async Task<JsonElement[]> EntriesAsync(HttpClient citizen, string query = "")
    {
        var response = await citizen.GetAsync($"/me/access-log{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).GetProperty("entries").EnumerateArray()];
    }

    [Fact]
    public async Task AccessLog_ShowsAnsweredAndRefusedRequestsNewestFirst()
    {
        var citizenId = await factory.NewCitizenAsync();
        var answered = await (await factory.Agency("GDT").LookupAsync(citizenId, "tax-registration", "fullName")).ReadJsonAsync();
        var refused = await (await factory.Agency("VCB").LookupAsync(citizenId, "kyc-onboarding", "fullName")).ReadJsonAsync();

        var entries = await EntriesAsync(await CitizenTokens.ClientAsync(factory, citizenId));

        Assert.Equal(2, entries.Length);
        Assert.Equal(refused.GetProperty("auditId").GetGuid(), entries[0].GetProperty("id").GetGuid());
        Assert.Equal("VCB", entries[0].GetProperty("agencyCode").GetString());
        Assert.Equal("refused", entries[0].GetProperty("outcome").GetString());
        Assert.Equal("consent-required", entries[0].GetProperty("reason").GetString());
        Assert.Equal(answered.GetProperty("auditId").GetGuid(), entries[1].GetProperty("id").GetGuid());
        Assert.Equal("Tổng cục Thuế", entries[1].GetProperty("agencyName").GetString());
        Assert.Equal("answered", entries[1].GetProperty("outcome").GetString());
        Assert.Equal("tax-registration", entries[1].GetProperty("purpose").GetString());
        Assert.Equal(["fullName"], entries[1].GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task AccessLog_PagesWithTheNextCursor()
    {
        var citizenId = await factory.NewCitizenAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await factory.Agency("GDT").LookupAsync(citizenId, "tax-registration", "fullName")).StatusCode);
        }

        var citizen = await CitizenTokens.ClientAsync(factory, citizenId);
        var first = await (await citizen.GetAsync("/me/access-log?limit=2")).ReadJsonAsync();
        var next = first.GetProperty("next").GetString();
        var rest = await EntriesAsync(citizen, $"?limit=2&before={next}");

        var ids = first.GetProperty("entries").EnumerateArray().Concat(rest).Select(e => e.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        await (await citizen.GetAsync("/me/access-log?limit=0")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await citizen.GetAsync("/me/access-log?before=garbage")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task AccessLog_IsOnlyTheSignedInCitizens()
    {
        var mine = await factory.NewCitizenAsync();
        var other = await factory.NewCitizenAsync();
        await factory.Agency("GDT").LookupAsync(other, "tax-registration", "fullName");

        Assert.Empty(await EntriesAsync(await CitizenTokens.ClientAsync(factory, mine)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.Agency("GDT").GetAsync("/me/access-log")).StatusCode);
    }

    [Fact]
    public async Task Dispute_IsListedForTheOperatorAndTheAgencyConcernedOnly()
    {
        var citizenId = await factory.NewCitizenAsync();
        var lookup = await (await factory.Agency("VSS").LookupAsync(citizenId, "insurance-enrolment", "fullName")).ReadJsonAsync();
        var entryId = lookup.GetProperty("auditId").GetGuid();
        var citizen = await CitizenTokens.ClientAsync(factory, citizenId);

        var raised = await citizen.PostAsJsonAsync($"/me/access-log/{entryId}/disputes", new { kind = "notConsented", comment = "Tôi không đăng ký" });
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
        var disputeId = (await raised.ReadJsonAsync()).GetProperty("id").GetGuid();

        static async Task<IEnumerable<Guid>> IdsAsync(HttpResponseMessage r) =>
            (await r.ReadJsonAsync()).GetProperty("disputes").EnumerateArray().Select(d => d.GetProperty("id").GetGuid());
        Assert.Contains(disputeId, await IdsAsync(await factory.CreateOperatorClient().GetAsync("/admin/agencies/VSS/disputes")));
        Assert.Contains(disputeId, await IdsAsync(await factory.Agency("VSS").GetAsync("/v1/disputes")));
        Assert.DoesNotContain(disputeId, await IdsAsync(await factory.Agency("GDT").GetAsync("/v1/disputes")));
        // The admin API knows admin keys only.
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.Agency("GDT").GetAsync("/admin/agencies/VSS/disputes")).StatusCode);
    }

    [Fact]
    public async Task Dispute_OnAnotherCitizensEntry_IsNotFound()
    {
        var owner = await factory.NewCitizenAsync();
        var entryId = (await (await factory.Agency("GDT").LookupAsync(owner, "tax-registration", "fullName")).ReadJsonAsync()).GetProperty("auditId").GetGuid();
        var intruder = await CitizenTokens.ClientAsync(factory, await factory.NewCitizenAsync());

        await (await intruder.PostAsJsonAsync($"/me/access-log/{entryId}/disputes", new { kind = "notMe" })).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await intruder.PostAsJsonAsync($"/me/access-log/{Guid.NewGuid()}/disputes", new { kind = "notMe" })).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}
