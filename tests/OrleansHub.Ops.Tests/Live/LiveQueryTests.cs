using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Ops.Tests.Infrastructure;

namespace OrleansHub.Ops.Tests.Live;

/// <summary>
/// Every dashboard query and every alert expression, evaluated by a real Prometheus that scrapes a two-silo hub in
/// PostgreSQL mode after real agency traffic.
/// </summary>
[Collection(ObservedHubCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class LiveQueryTests(ObservedHub hub)
{
    private static readonly TimeSpan SeriesTimeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string, int, string> PanelQueries
    {
        get
        {
            var data = new TheoryData<string, int, string>();
            foreach (var query in DashboardFiles.Queries())
            {
                data.Add(query.Dashboard, query.PanelId, query.RefId);
            }

            return data;
        }
    }

    public static TheoryData<string> Alerts => new(OpsFiles.AlertRules().Select(r => r.Name));

    [Theory]
    [MemberData(nameof(PanelQueries))]
    public async Task DashboardQuery_AgainstLiveHub_ParsesAndReturnsSeries(string dashboard, int panelId, string refId)
    {
        var query = DashboardFiles.Queries().Single(q => q.Dashboard == dashboard && q.PanelId == panelId && q.RefId == refId);

        var answer = await hub.QueryUntilSeriesAsync(DashboardFiles.Resolve(query.Expression), SeriesTimeout);

        Assert.True(answer.GetProperty("status").GetString() == "success", $"{query}: {answer}");
        Assert.True(ObservedHub.SeriesCount(answer) > 0, $"{query} returned no series: {query.Expression}");
    }

    [Theory]
    [MemberData(nameof(Alerts))]
    public async Task AlertExpression_AgainstLiveHub_Parses(string alert)
    {
        var rule = OpsFiles.AlertRules().Single(r => r.Name == alert);

        var answer = await hub.QueryAsync(rule.Expression);

        Assert.True(answer.GetProperty("status").GetString() == "success", $"{alert}: {answer}");
    }

    [Fact]
    public async Task AlertRules_LoadedByPrometheus_EvaluateWithoutError()
    {
        var expected = OpsFiles.AlertRules().Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
        JsonElement[] rules = [];
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var answer = await hub.Prometheus.GetFromJsonAsync<JsonElement>("/api/v1/rules?type=alert");
            rules = [.. answer.GetProperty("data").GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray())];
            if (rules.All(r => r.TryGetProperty("lastEvaluation", out var at) && !at.GetString()!.StartsWith("0001", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(500);
        }

        Assert.Equal(expected, rules.Select(r => r.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(rules, r => Assert.True(r.GetProperty("health").GetString() == "ok", r.ToString()));
    }

    [Fact]
    public async Task BothSilos_AreScraped()
    {
        var answer = await hub.QueryUntilSeriesAsync("up{job=\"orleanshub\"} == 1", SeriesTimeout);

        Assert.Equal(2, ObservedHub.SeriesCount(answer));
    }

    [Theory]
    [InlineData("hub_lookups_total{outcome=\"answered\", reason=\"none\"}", "lookup-answered")]
    [InlineData("hub_lookups_total{outcome=\"refused\", reason=\"field-not-in-agreement\"}", "lookup-field-not-in-agreement")]
    [InlineData("hub_lookups_total{outcome=\"refused\", reason=\"validation-failed\"}", "lookup-validation-failed")]
    [InlineData("hub_lookups_batches_total{outcome=\"answered\"}", "batch-answered")]
    [InlineData("hub_verifications_total{outcome=\"answered\"}", "verification-answered")]
    [InlineData("hub_verifications_total{outcome=\"refused\", reason=\"field-not-in-agreement\"}", "verification-field-not-in-agreement")]
    [InlineData("hub_lookups_batches_total{outcome=\"refused\", reason=\"field-not-in-agreement\"}", "batch-field-not-in-agreement")]
    [InlineData("hub_webhooks_attempts_total{outcome=\"failed\"}", "webhook-failed")]
    [InlineData("hub_webhooks_attempts_total{outcome=\"delivered\"}", "webhook-delivered")]
    public async Task DomainCounters_AcrossBothSilos_CountEveryRequestOfTheAgency(string selector, string kind)
    {
        var expression = $"sum({selector.Replace("{", $"{{agency=\"{hub.AgencyCode}\", ", StringComparison.Ordinal)})";

        var counted = await CountEventuallyAsync(expression, hub.Sent[kind]);

        Assert.Equal(hub.Sent[kind], counted);
    }

    [Fact]
    public async Task BatchItems_CountEachCitizenOfEveryBatch()
    {
        var answered = hub.Sent["batch-answered"] * hub.CitizenIds.Count;
        var refused = hub.Sent["batch-field-not-in-agreement"] * hub.CitizenIds.Count;

        var countedAnswered = await CountEventuallyAsync($"sum(hub_lookups_batch_items_total{{agency=\"{hub.AgencyCode}\", outcome=\"answered\"}})", answered);
        var countedRefused = await CountEventuallyAsync($"sum(hub_lookups_batch_items_total{{agency=\"{hub.AgencyCode}\", reason=\"field-not-in-agreement\"}})", refused);

        Assert.Equal((answered, refused), (countedAnswered, countedRefused));
    }

    [Fact]
    public async Task RequestDuration_HasMillisecondBuckets()
    {
        var answer = await hub.QueryUntilSeriesAsync($"hub_request_duration_milliseconds_bucket{{agency=\"{hub.AgencyCode}\", operation=\"lookup\"}}", SeriesTimeout);

        var bounds = answer.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(s => double.Parse(s.GetProperty("metric").GetProperty("le").GetString()!.Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture))
            .ToHashSet();
        // Resolves single milliseconds where a healthy hub answers, and still separates slow answers.
        Assert.Superset(new HashSet<double> { 0.5, 1, 2, 3, 5, 10, 100, 1_000, double.PositiveInfinity }, bounds);
    }

    [Fact]
    public async Task Scrape_OfEitherSilo_CarriesNoCitizenIdNameOrDatabasePassword()
    {
        foreach (var silo in hub.Silos)
        {
            var scraped = await silo.Client.GetStringAsync("/metrics");

            Assert.Contains("hub_lookups_total", scraped, StringComparison.Ordinal);
            Assert.All(hub.CitizenIds, id => Assert.DoesNotContain(id, scraped, StringComparison.Ordinal));
            Assert.DoesNotContain("Nguyễn", scraped, StringComparison.Ordinal);
            Assert.Contains("db_client_connection_pool_name", scraped, StringComparison.Ordinal);
            Assert.DoesNotContain(ObservedHub.DatabasePassword, scraped, StringComparison.Ordinal);
        }
    }

    /// <summary>The value of a one-series query once the last traffic has been scraped (it only grows until then).</summary>
    private async Task<int> CountEventuallyAsync(string expression, int expected)
    {
        var value = -1;
        for (var attempt = 0; attempt < 40 && value != expected; attempt++)
        {
            var result = (await hub.QueryAsync(expression)).GetProperty("data").GetProperty("result");
            value = result.GetArrayLength() == 1
                ? (int)double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)
                : -1;
            if (value != expected)
            {
                await Task.Delay(500);
            }
        }

        return value;
    }
}
