using System.Net;
using System.Text.Json;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Events;

/// <summary>The operator's view of the citizen event log over HTTP (embedded hub).</summary>
public sealed class EventLogApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string ResidenceChanged = "vn.orleanshub.citizen.residence-changed.v1";

    private readonly HttpClient _operator = factory.CreateOperatorClient();

    private async Task<IReadOnlyList<JsonElement>> AllEventsAsync(string query = "")
    {
        var events = new List<JsonElement>();
        var after = "0.0";
        while (true)
        {
            var page = await (await _operator.GetAsync($"/admin/events?after={after}&limit=500{query}")).ReadJsonAsync();
            var items = page.GetProperty("events").EnumerateArray().ToList();
            events.AddRange(items);
            after = page.GetProperty("next").GetString()!;
            if (items.Count == 0)
            {
                return events;
            }
        }
    }

    [Fact]
    public async Task ResidenceChange_AppearsAsACloudEventNamingTheChangedFieldsNotTheirValues()
    {
        var id = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await _operator.PutCitizenAsync(id, "Hồ Xuân Hương", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(id, new { currentResidence = "Số 7 phố Hàng Bạc, Hà Nội" })).StatusCode);

        var mine = (await AllEventsAsync($"&type={ResidenceChanged}")).Where(e => e.GetProperty("subject").GetString() == id).ToList();

        var e = Assert.Single(mine);
        Assert.Equal("1.0", e.GetProperty("specversion").GetString());
        Assert.Equal(ResidenceChanged, e.GetProperty("type").GetString());
        Assert.Equal("1", e.GetProperty("sequence").GetString());
        Assert.Equal(2, e.GetProperty("data").GetProperty("recordVersion").GetInt64());
        Assert.Equal(["currentResidence"], e.GetProperty("data").GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
        Assert.DoesNotContain("Hàng Bạc", e.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("after=abc", "after")]
    [InlineData("after=-1.5", "after")]
    [InlineData("after=1.2.3", "after")]
    [InlineData("after=99999999999999999999999.1", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("type=citizen.moved", "type")]
    public async Task BadQuery_Is400NamingTheParameter(string query, string parameter)
    {
        var response = await _operator.GetAsync($"/admin/events?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("/problems/validation-failed", problem.GetProperty("type").GetString());
        Assert.Contains(parameter, problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgencyKey_CannotReadTheWholeLog()
    {
        var response = await factory.CreateClient().WithBearer("ohk_GDT_dev_gdt-embedded-demo-key").GetAsync("/admin/events");

        // An agency key is no operator credential: the admin API's scheme does not accept it at all.
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }
}
