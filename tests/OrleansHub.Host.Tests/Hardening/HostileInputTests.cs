using System.Globalization;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// Every operation of the OpenAPI document, sent generated hostile requests over real HTTP (Kestrel) with the right
/// credentials. CI runs scale 1 (each fixed family once, each randomized family once); <c>bench/hostile/run.sh</c> runs
/// the full scale with a fresh seed and records the table. <c>HUB_HOSTILE_SEED</c> replays a run; <c>HUB_HOSTILE_OPERATION</c> narrows it.
/// </summary>
public sealed class HostileInputTests(EmbeddedHubFactory factory, ITestOutputHelper output) : IClassFixture<EmbeddedHubFactory>
{
    /// <summary>CI replays one seed so its answer never depends on luck; the full run draws a fresh one each time.</summary>
    private const int CiSeed = 20261129;

    [Fact]
    public async Task EveryOperation_HostileRequests_AreProblem4xxWithoutStateChange()
    {
        var seed = Environment.GetEnvironmentVariable("HUB_HOSTILE_SEED") is { Length: > 0 } s
            ? int.Parse(s, CultureInfo.InvariantCulture) : CiSeed;
        var scale = Environment.GetEnvironmentVariable("HUB_HOSTILE_SCALE") is { Length: > 0 } n ? int.Parse(n, CultureInfo.InvariantCulture) : 1;
        var only = Environment.GetEnvironmentVariable("HUB_HOSTILE_OPERATION");
        output.WriteLine($"seed {seed} (replay: HUB_HOSTILE_SEED={seed}), scale {scale}");
        using var client = factory.CreateClient(); // starts the host; its address is Kestrel's
        var suite = new HostileSuite(client.BaseAddress!, seed, scale, output.WriteLine);

        var outcomes = await suite.RunAsync(op => string.IsNullOrEmpty(only) || op.Id == only);

        var table = HostileSuite.Table(outcomes, seed, scale);
        output.WriteLine(table);
        if (Environment.GetEnvironmentVariable("HUB_HOSTILE_REPORT") is { Length: > 0 } report)
        {
            await File.WriteAllTextAsync(Path.Combine(RepositoryRoot.Path, report), table);
        }

        // Every operation the document lists was tried, each with more than the credential and method cases alone.
        var documented = await suite.OperationsAsync();
        Assert.Equal(documented.Where(op => string.IsNullOrEmpty(only) || op.Id == only).Select(op => op.Id).Order(), outcomes.Select(o => o.Operation.Id).Order());
        // Catches an operation the generator skipped; a public GET without parameters (the event schema list) has the
        // fewest shapes to vary (methods, raw framing, header size).
        Assert.All(outcomes, o => Assert.True(o.Requests >= 5, $"{o.Operation} got only {o.Requests} requests"));
        var failures = outcomes.SelectMany(o => o.Failures).ToList();
        failures.ForEach(output.WriteLine);
        Assert.True(failures.Count == 0, $"{failures.Count} hostile requests broke the contract (seed {seed}):\n" + string.Join('\n', failures.Take(40)));
    }
}
