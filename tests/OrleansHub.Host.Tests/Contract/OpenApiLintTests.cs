using System.Diagnostics;
using System.Text.Json;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Contract;

/// <summary>
/// The OpenAPI document the embedded hub serves, linted by the real Redocly CLI (<c>deploy/redocly.sh</c> installs the
/// pinned version from npm) with the recommended rules and the checked-in <c>redocly.yaml</c>: no error and no warning.
/// </summary>
public sealed class OpenApiLintTests(EmbeddedHubFactory factory, ITestOutputHelper output) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task ServedDocument_PassesRedoclyRecommendedRules_WithoutErrorsOrWarnings()
    {
        var redocly = Redocly.Value;
        using var plain = new HttpClient { BaseAddress = factory.CreateClient().BaseAddress };
        var document = await plain.GetStringAsync("/openapi/v1.json");
        var file = Path.Combine(Path.GetTempPath(), $"orleanshub-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document);
        try
        {
            var (exitCode, stdout, stderr) = await RunAsync(redocly, "lint", file, "--config", Path.Combine(RepositoryRoot.Path, "redocly.yaml"), "--format=json");
            output.WriteLine(stdout);
            output.WriteLine(stderr);
            var totals = JsonDocument.Parse(stdout).RootElement.GetProperty("totals");
            var (errors, warnings) = (totals.GetProperty("errors").GetInt32(), totals.GetProperty("warnings").GetInt32());
            var problems = JsonDocument.Parse(stdout).RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}").Take(40);
            Assert.True(errors == 0 && warnings == 0 && exitCode == 0,
                $"redocly lint: {errors} errors, {warnings} warnings (exit {exitCode}):\n{string.Join('\n', problems)}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The redocly command: <c>deploy/redocly.sh install</c> installs it with npm when it is missing, and fails saying why otherwise.</summary>
    private static readonly Lazy<string> Redocly = new(() =>
    {
        var (exitCode, stdout, stderr) = RunAsync("bash", Path.Combine(RepositoryRoot.Path, "deploy", "redocly.sh"), "install").GetAwaiter().GetResult();
        var command = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return exitCode == 0 && command is not null && File.Exists(command)
            ? command
            : throw new InvalidOperationException($"The Redocly CLI is needed for the OpenAPI lint and could not be installed (deploy/redocly.sh install needs npm). It said:\n{stderr}");
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
