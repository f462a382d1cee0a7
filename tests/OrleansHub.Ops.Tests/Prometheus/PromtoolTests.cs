using OrleansHub.Ops.Tests.Infrastructure;

namespace OrleansHub.Ops.Tests.Prometheus;

/// <summary>The shipped Prometheus configuration and alert rules, checked and unit-tested by the real promtool.</summary>
public sealed class PromtoolTests
{
    [Fact]
    public async Task CheckConfig_ShippedScrapeConfiguration_IsValid()
    {
        var (exitCode, output) = await PrometheusTools.PromtoolAsync("check", "config", "prometheus.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains("1 rule files found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckRules_ShippedAlertRules_AreValid()
    {
        var (exitCode, output) = await PrometheusTools.PromtoolAsync("check", "rules", "alerts.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains($"{OpsFiles.AlertRules().Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestRules_AlertUnitTests_Pass()
    {
        var (exitCode, output) = await PrometheusTools.PromtoolAsync("test", "rules", "alerts.test.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckRules_BrokenExpression_IsRejected()
    {
        // The checks above would be worthless if promtool accepted anything.
        var broken = Path.Combine(Directory.CreateTempSubdirectory("orleanshub-promtool-").FullName, "broken.yml");
        await File.WriteAllTextAsync(broken, "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(rate(hub_lookups_total[5m]) > \n");

        var (exitCode, output) = await PrometheusTools.PromtoolAsync("check", "rules", broken);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("parse error", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AlertRules_EveryAlert_HasSeverityRunbookAndUnitTest()
    {
        var tested = OpsFiles.YamlDocuments(Path.Combine(PrometheusTools.ConfigFolder, "alerts.test.yml")).Single().Child("tests").Items()
            .SelectMany(test => test.Child("alert_rule_test").Items())
            // A test that expects the alert to fire, not only one that expects silence.
            .Where(check => check.Child("exp_alerts").Items().Any())
            .Select(check => check.Text("alertname"))
            .ToHashSet(StringComparer.Ordinal);

        var rules = OpsFiles.AlertRules();

        Assert.NotEmpty(rules);
        Assert.All(rules, rule =>
        {
            Assert.Contains(rule.Rule.Child("labels").Text("severity"), new[] { "page", "ticket" });
            Assert.False(string.IsNullOrWhiteSpace(rule.Rule.Child("annotations").Text("summary")), rule.Name);
            Assert.False(string.IsNullOrWhiteSpace(rule.Rule.Child("annotations").Text("runbook")), rule.Name);
            Assert.Contains("#alert-runbook", rule.Rule.Child("annotations").Text("runbook_url"), StringComparison.Ordinal);
            Assert.True(tested.Contains(rule.Name), $"{rule.Name} has no promtool unit test in which it fires.");
        });
    }
}
