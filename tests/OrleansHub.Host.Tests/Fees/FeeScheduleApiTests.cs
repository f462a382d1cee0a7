using System.Net;
using System.Net.Http.Json;
using OrleansHub.Grains;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Fees;

/// <summary>The operator's fee schedules over HTTP (embedded hub; the class owns its hub, so its publications are its own).</summary>
public sealed class FeeScheduleApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private static DateOnly Today => VietnamCalendar.DateOf(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Schedules_PublishRefusalsAndReplacement_BehaveAsDocumented()
    {
        var admin = factory.CreateOperatorClient();
        var listed = (await (await admin.GetAsync("/admin/fees/schedules")).ReadJsonAsync()).EnumerateArray().ToArray();
        Assert.Equal(("2022-09-17", "2023-12-31", "past"), (listed[0].GetProperty("effectiveFrom").GetString(), listed[0].GetProperty("effectiveUntil").GetString(), listed[0].GetProperty("status").GetString()));
        Assert.Equal(1_000, listed[1].GetProperty("pricePerFieldVnd").GetProperty("SPDC04").GetInt64());
        Assert.Equal("in-force", listed[1].GetProperty("status").GetString());

        var inThePast = await (await admin.PostAsJsonAsync("/admin/fees/schedules", Body(Today, 1_500))).AssertProblemAsync(HttpStatusCode.Conflict, "fee-schedule-conflict");
        Assert.Equal("starts-too-soon", inThePast.GetProperty("rule").GetString());
        await (await admin.PutAsJsonAsync("/admin/fees/schedules/2", Body(Today.AddDays(10), 1_500))).AssertProblemAsync(HttpStatusCode.Conflict, "fee-schedule-in-effect");
        var invalid = await (await admin.PostAsJsonAsync("/admin/fees/schedules", new { effectiveFrom = Today.AddDays(10), pricePerFieldVnd = new Dictionary<string, long> { ["SPDC01"] = -5 } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["pricePerFieldVnd.SPDC01", "pricePerFieldVnd.SPDC04"], invalid.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).Order());

        var start = Today.AddDays(30);
        var published = await admin.PostAsJsonAsync("/admin/fees/schedules", Body(start, 1_500, until: start.AddDays(60)));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Equal(3, (await published.ReadJsonAsync()).GetProperty("version").GetInt32());
        var gap = await (await admin.PostAsJsonAsync("/admin/fees/schedules", Body(start.AddDays(62), 2_000))).AssertProblemAsync(HttpStatusCode.Conflict, "fee-schedule-conflict");
        Assert.Equal("leaves-gap", gap.GetProperty("rule").GetString());
        var overlap = await (await admin.PostAsJsonAsync("/admin/fees/schedules", Body(start.AddDays(60), 2_000))).AssertProblemAsync(HttpStatusCode.Conflict, "fee-schedule-conflict");
        Assert.Equal("overlaps", overlap.GetProperty("rule").GetString());

        var replaced = await admin.PutAsJsonAsync("/admin/fees/schedules/3", Body(start.AddDays(1), 1_400));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var after = (await (await admin.GetAsync("/admin/fees/schedules")).ReadJsonAsync()).EnumerateArray().ToArray();
        Assert.Equal(start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), after[1].GetProperty("effectiveUntil").GetString());
        Assert.Equal(("future", 1_400L), (after[2].GetProperty("status").GetString(), after[2].GetProperty("pricePerFieldVnd").GetProperty("SPDC01").GetInt64()));
    }

    private static object Body(DateOnly from, long price, DateOnly? until = null) =>
        new { effectiveFrom = from, effectiveUntil = until, pricePerFieldVnd = new Dictionary<string, long> { ["SPDC01"] = price, ["SPDC04"] = price } };
}
