using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OrleansHub.Bench.Faults;
using OrleansHub.Grains;
using OrleansHub.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Cluster;

/// <summary>
/// The short version of <c>bench/faults/run.sh</c>: three hub processes under the mixed load of bench/faults/Driver, a
/// silo killed (kill -9) and replaced, PostgreSQL stopped for 10 s and started again, then the state agency's webhook
/// receiver stopped for 10 s. Afterwards nothing the clients were told is missing (writes, consent changes, subscriptions,
/// answers with their audit rows and fees, feed and webhook events in per-citizen order), nothing else was charged, the ledger reconciles, every silo is ready again, and the errors
/// clients saw were refused connections or 503 problem+json, never a 500 and never a hang. The test owns its PostgreSQL
/// server (it stops it), so it runs on its own, never on the shared CI server.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class FaultInjectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _runDirectory = Directory.CreateTempSubdirectory("orleanshub-test-faults-").FullName;
    private readonly string _port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
    private readonly List<HubProcess> _silos = [];

    public async Task InitializeAsync() => await PostgresAsync("start");

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await PostgresAsync("stop");
        Directory.Delete(_runDirectory, recursive: true);
    }

    [Fact]
    public async Task SiloKilledPostgresRestartedReceiverDown_UnderMixedLoad_NothingAcknowledgedIsLostAndTheHubRecovers()
    {
        var connectionString = (await PostgresAsync("env")).Trim();
        using var issuer = CitizenIssuer.Create();
        var clusterId = $"faults-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["Hub__CitizenTokens__Issuer"] = issuer.Issuer,
            ["Hub__CitizenTokens__Audience"] = issuer.Audience,
            ["Hub__CitizenTokens__PublicKeyPem"] = issuer.PublicKeyPem,
            // The receiver is on this machine, over http; retries capped at 2 s so the short version catches up quickly.
            ["Hub__Webhooks__AllowPrivateNetworks"] = "true",
            ["Hub__Webhooks__RequireHttps"] = "false",
            ["Hub__Webhooks__MaxRetryDelay"] = "00:00:02",
        };
        var timeline = new Timeline();
        await using var webhook = new WebhookReceiver(FreePort.Next(), timeline);
        // The first silo applies the migrations; the other two join it.
        _silos.Add(await HubProcess.StartAsync(connectionString, clusterId, settings));
        Task<HubProcess>[] starts = [HubProcess.StartAsync(connectionString, clusterId, settings), HubProcess.StartAsync(connectionString, clusterId, settings)];
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            // A silo that started while its sibling failed must still be disposed with the others.
            _silos.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
        }

        var hub = new HubTarget(_silos.Select(s => s.Client.BaseAddress!));

        var faults = new List<Fault>
        {
            new("kill -9 silo 3, then a new silo", () => Task.Run(_silos[2].Kill), TimeSpan.FromSeconds(3), async () =>
            {
                var replacement = await HubProcess.StartAsync(connectionString, clusterId, settings);
                _silos.Add(replacement);
                hub.Replace(2, replacement.Client.BaseAddress!);
            }),
            new("PostgreSQL stopped for 10 s", () => PostgresAsync("stop"), TimeSpan.FromSeconds(10), () => PostgresAsync("start")),
            new("webhook receiver stopped for 10 s", webhook.StopAsync, TimeSpan.FromSeconds(10), webhook.StartAsync, StopsWebhook: true),
        };
        var result = await FaultSession.RunAsync(hub, issuer, connectionString, new LoadOptions(HubProcess.OperatorKey) { Citizens = 16, Webhook = webhook },
            faults, baseline: TimeSpan.FromSeconds(5), observe: TimeSpan.FromSeconds(15), timeline, output.WriteLine);
        output.WriteLine(result.Markdown);
        output.WriteLine($"webhook receiver: {webhook.Answers.Count} requests answered, {webhook.Answers.Count(a => a.Status == 500)} with 500 "
            + $"(failed inside the receiver{(webhook.Failures.IsEmpty ? "" : ": " + string.Join("; ", webhook.Failures))})");

        Assert.All(result.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        var errorKinds = result.Faults.SelectMany(f => f.ErrorKinds.Keys).Distinct().ToList();
        Assert.All(errorKinds, kind => Assert.True(kind.StartsWith("no answer", StringComparison.Ordinal) || kind.StartsWith("503 /problems/", StringComparison.Ordinal),
            $"clients saw '{kind}': a fault must look like a refused connection or a 503 problem+json, never a 500 or a hang"));
        Assert.All(result.Faults, f => Assert.NotNull(f.FirstSuccessAfterRecoveryMs));
        Assert.NotNull(result.Faults.Single(f => f.Name.StartsWith("webhook", StringComparison.Ordinal)).WebhookCaughtUpMs);
        await AssertLedgerReconcilesAsync(connectionString);
    }

    private async Task AssertLedgerReconcilesAsync(string connectionString)
    {
        var month = VietnamCalendar.DateOf(DateTimeOffset.UtcNow).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("dotnet", [HubProcess.HostAssembly, "fees", "reconcile", "--month", month])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ConnectionStrings__Postgres"] = connectionString },
        };
        using var reconcile = Process.Start(start)!;
        var text = await reconcile.StandardOutput.ReadToEndAsync() + await reconcile.StandardError.ReadToEndAsync();
        await reconcile.WaitForExitAsync();
        output.WriteLine(text);
        Assert.True(reconcile.ExitCode == 0, text);
    }

    private async Task<string> PostgresAsync(string command)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot.Path, "deploy", "postgres.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["HUB_RUN_DIR"] = _runDirectory, ["HUB_PG_PORT"] = _port },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"deploy/postgres.sh {command} failed ({process.ExitCode}): {await stderr}");
    }
}
