using OrleansHub.Host.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansHub.Ops.Tests.Infrastructure;

/// <summary>Reads the shipped operations files: alert rules and YAML documents.</summary>
public static class OpsFiles
{
    public static string AlertRulesPath => Path.Combine(PrometheusTools.ConfigFolder, "alerts.yml");

    public static string DashboardsFolder => Path.Combine(RepositoryRoot.Path, "dashboards");

    public static string DeployFolder => Path.Combine(RepositoryRoot.Path, "deploy");

    /// <summary>Every YAML document in <paramref name="path"/> (a file may hold several, separated by <c>---</c>).</summary>
    public static IReadOnlyList<YamlMappingNode> YamlDocuments(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    /// <summary>The alerting rules of the shipped alerts.yml: name, expression and the rule's node.</summary>
    public static IReadOnlyList<(string Name, string Expression, YamlMappingNode Rule)> AlertRules() =>
        [.. YamlDocuments(AlertRulesPath).Single().Child("groups").Items()
            .SelectMany(group => group.Child("rules").Items())
            .Where(rule => rule.Children.ContainsKey("alert"))
            .Select(rule => (rule.Text("alert"), rule.Text("expr"), rule))];

    public static YamlNode Child(this YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new KeyNotFoundException($"'{key}' is missing at {node.Start}.");

    public static bool Has(this YamlNode node, string key) => node is YamlMappingNode map && map.Children.ContainsKey(new YamlScalarNode(key));

    public static string Text(this YamlNode node, string key) => ((YamlScalarNode)node.Child(key)).Value ?? "";

    public static IEnumerable<YamlMappingNode> Items(this YamlNode node) => ((YamlSequenceNode)node).Children.OfType<YamlMappingNode>();

    /// <summary>The scalar values of a sequence, e.g. volume mounts or scrape targets.</summary>
    public static IEnumerable<string> AllScalars(this YamlNode node) => ((YamlSequenceNode)node).Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "");
}
