using System.Text.Json;

namespace OrleansHub.Ops.Tests.Infrastructure;

/// <summary>One query of one dashboard panel.</summary>
public sealed record PanelQuery(string Dashboard, int PanelId, string PanelTitle, string RefId, string Expression)
{
    public override string ToString() => $"{Dashboard} #{PanelId} '{PanelTitle}' {RefId}";
}

/// <summary>The Grafana dashboards of <c>dashboards/</c>.</summary>
public static class DashboardFiles
{
    public static IReadOnlyList<string> Paths => [.. Directory.GetFiles(OpsFiles.DashboardsFolder, "*.json").Order(StringComparer.Ordinal)];

    public static JsonElement Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    /// <summary>Every panel, rows' nested panels included.</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }

    public static IEnumerable<PanelQuery> Queries() =>
        from path in Paths
        let dashboard = Load(path)
        from panel in Panels(dashboard)
        where panel.TryGetProperty("targets", out _)
        from target in panel.GetProperty("targets").EnumerateArray()
        select new PanelQuery(Path.GetFileName(path), panel.GetProperty("id").GetInt32(), panel.GetProperty("title").GetString() ?? "",
            target.GetProperty("refId").GetString() ?? "", target.GetProperty("expr").GetString() ?? "");

    /// <summary>
    /// The query as Prometheus would receive it from Grafana: template variables replaced by what Grafana sends with
    /// "All" selected, and Grafana's interval variables by fixed windows that cover several scrapes.
    /// </summary>
    public static string Resolve(string expression) => expression
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__interval", "15s", StringComparison.Ordinal)
        .Replace("$__range", "5m", StringComparison.Ordinal)
        .Replace("${agency}", ".*", StringComparison.Ordinal)
        .Replace("$agency", ".*", StringComparison.Ordinal);
}
