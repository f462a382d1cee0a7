using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Services;
using Orleans.TestingHost;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains.Agencies;

namespace OrleansHub.Grains.Tests.Agencies;

/// <summary>
/// A key issued through one silo and presented to another before that silo heard of it. The silos here miss every change
/// notice (no listener runs) and poll the catalog once an hour, so whatever they know of a new key they learn on the request.
/// </summary>
public sealed class AgencyKeyIssuedElsewhereTests : IAsyncLifetime
{
    private const string Operator = "registry";

    private static int s_credentialReads;

    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await DirectoryClusters.StartAsync(silo =>
    {
        silo.Services.RemoveAll<IGrainService>();
        silo.AddIncomingGrainCallFilter(context =>
        {
            if (context.InterfaceMethod.Name == nameof(IAgencyGrain.GetCredentialsAsync))
            {
                Interlocked.Increment(ref s_credentialReads);
            }

            return context.Invoke();
        });
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private AgencyDirectory Silo(int index) => _cluster.Directory(index);

    /// <summary>An agency with one key that both silos have loaded and use.</summary>
    private async Task<(IAgencyGrain Grain, string Code)> AgencyBothSilosHoldAsync()
    {
        var code = TestAgencies.NewCode();
        var grain = _cluster.Client.GetGrain<IAgencyGrain>(code);
        await grain.RegisterAsync(TestAgencies.Bank(), expectedVersion: 0, Operator);
        var first = (await grain.IssueKeyAsync(Operator)).Issued!.Plaintext;
        foreach (var silo in new[] { Silo(0), Silo(1) })
        {
            Assert.True((await silo.AuthenticateAsync(first)).IsValid);
        }

        return (grain, code);
    }

    [Fact]
    public async Task KeyIssuedAfterTheSiloLoadedTheAgency_IsValidOnEverySiloAtOnce()
    {
        var (grain, code) = await AgencyBothSilosHoldAsync();

        // What the admin API does on the silo that served the request: only that silo refreshes.
        var second = (await grain.IssueKeyAsync(Operator)).Issued!;
        await Silo(0).RefreshAsync(code);

        foreach (var silo in new[] { Silo(0), Silo(1) })
        {
            var check = await silo.AuthenticateAsync(second.Plaintext);
            Assert.Equal((AgencyKeyStatus.Valid, second.Key.KeyId), (check.Status, check.KeyId));
        }
    }

    [Fact]
    public async Task FloodOfMadeUpKeyIdsForARealAgency_IsRefusedAndReloadsTheAgencyAtABoundedRate()
    {
        var (_, code) = await AgencyBothSilosHoldAsync();
        var readsBefore = Volatile.Read(ref s_credentialReads);
        var clock = Stopwatch.StartNew();

        var checks = new List<Task<AgencyKeyCheck>>();
        for (var wave = 0; wave < 50; wave++)
        {
            checks.AddRange(Enumerable.Range(0, 8).Select(i => Silo(1).AuthenticateAsync(AgencyKeys.NewKey(code, $"made{wave:D2}{i:D2}")).AsTask()));
            await Task.Delay(5);
        }

        var answers = await Task.WhenAll(checks);
        var elapsed = clock.Elapsed;

        Assert.All(answers, a => Assert.Equal(AgencyKeyStatus.Refused, a.Status));
        // Reloads start at least an interval apart, all within the flood's time: at most one per interval plus one.
        var allowed = (int)(elapsed / AgencyDirectory.EarlyPollInterval) + 1;
        var reads = Volatile.Read(ref s_credentialReads) - readsBefore;
        Assert.InRange(reads, 1, allowed);
    }
}
