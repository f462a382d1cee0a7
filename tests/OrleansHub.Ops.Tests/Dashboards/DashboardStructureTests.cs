using System.Text.Json;
using OrleansHub.Ops.Tests.Infrastructure;

namespace OrleansHub.Ops.Tests.Dashboards;

/// <summary>The Grafana dashboards are valid JSON with the structure provisioning and the data-source variable need.</summary>
public sealed class DashboardStructureTests
{
    public static TheoryData<string> Dashboards => new(DashboardFiles.Paths.Select(Path.GetFileName)!);

    [Fact]
    public void Folder_HoldsTheFourDashboards()
    {
        Assert.Equal(["agencies.json", "change-propagation.json", "cluster-health.json", "hub-overview.json"], DashboardFiles.Paths.Select(Path.GetFileName));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_DeclaresPrometheusDataSourceVariable_AndEveryQueryUsesIt(string file)
    {
        var dashboard = DashboardFiles.Load(Path.Combine(OpsFiles.DashboardsFolder, file));

        var variables = dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var datasource = Assert.Single(variables, v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", datasource.GetProperty("type").GetString());
        Assert.Equal("prometheus", datasource.GetProperty("query").GetString());

        var panels = DashboardFiles.Panels(dashboard).Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.NotEmpty(panels);
        Assert.All(panels, panel =>
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, target =>
            {
                Assert.Equal("${datasource}", target.GetProperty("datasource").GetProperty("uid").GetString());
                Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString()));
            });
            Assert.Equal(targets.Count, targets.Select(t => t.GetProperty("refId").GetString()).Distinct().Count());
        });
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_PanelIds_AreUnique_AndPanelsFitTheGrid(string file)
    {
        var dashboard = DashboardFiles.Load(Path.Combine(OpsFiles.DashboardsFolder, file));
        var panels = DashboardFiles.Panels(dashboard).ToList();

        var ids = panels.Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.All(ids, id => Assert.True(id > 0));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(panels, panel =>
        {
            var grid = panel.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
            Assert.True(grid.GetProperty("h").GetInt32() > 0);
        });
    }

    [Fact]
    public void Dashboards_HaveUniqueUidsAndTitles()
    {
        var dashboards = DashboardFiles.Paths.Select(DashboardFiles.Load).ToList();

        Assert.Equal(dashboards.Count, dashboards.Select(d => d.GetProperty("uid").GetString()).Distinct().Count());
        Assert.Equal(dashboards.Count, dashboards.Select(d => d.GetProperty("title").GetString()).Distinct().Count());
        Assert.All(dashboards, d => Assert.Equal(JsonValueKind.Number, d.GetProperty("schemaVersion").ValueKind));
    }

    [Fact]
    public void Queries_UseNoLabelThatCouldCarryPersonalData()
    {
        // Labels are agency codes and enumerations; a dashboard grouping by anything citizen-like would be a leak by design.
        string[] forbidden = ["citizen", "citizen_id", "personal_id", "full_name", "user"];

        Assert.All(DashboardFiles.Queries(), query =>
            Assert.DoesNotContain(forbidden, label => query.Expression.Contains(label, StringComparison.OrdinalIgnoreCase)));
    }
}
