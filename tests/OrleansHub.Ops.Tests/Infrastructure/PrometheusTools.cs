using System.Diagnostics;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Ops.Tests.Infrastructure;

/// <summary>
/// The real <c>prometheus</c> and <c>promtool</c> binaries (Debian's <c>prometheus</c> package). When they are missing,
/// <c>deploy/prometheus.sh install</c> installs them if the tests run as root (CI) and otherwise fails saying how to.
/// </summary>
public static class PrometheusTools
{
    private static readonly Lazy<string> Folder = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Promtool => Path.Combine(Folder.Value, "promtool");

    public static string Prometheus => Path.Combine(Folder.Value, "prometheus");

    /// <summary>The shipped Prometheus files (scrape configuration, alert rules and their unit tests).</summary>
    public static string ConfigFolder => Path.Combine(RepositoryRoot.Path, "deploy", "prometheus");

    /// <summary>Runs promtool with <paramref name="arguments"/>; returns its exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments) => RunAsync(Promtool, ConfigFolder, arguments);

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string Locate()
    {
        if (OnPath("promtool") is { } promtool && OnPath("prometheus") is not null)
        {
            return Path.GetDirectoryName(promtool)!;
        }

        // The script installs only as root and otherwise exits with a message naming the package to install.
        var (exitCode, output) = RunAsync("bash", RepositoryRoot.Path, Path.Combine(RepositoryRoot.Path, "deploy", "prometheus.sh"), "install")
            .GetAwaiter().GetResult();
        var folder = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return exitCode == 0 && folder is not null && File.Exists(Path.Combine(folder, "promtool"))
            ? folder
            : throw new InvalidOperationException(
                "prometheus and promtool are needed for the operations tests and could not be installed. Install Debian's 'prometheus' package "
                + $"(sudo deploy/prometheus.sh install, or sudo apt-get install prometheus). deploy/prometheus.sh said:\n{output}");
    }

    private static string? OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
