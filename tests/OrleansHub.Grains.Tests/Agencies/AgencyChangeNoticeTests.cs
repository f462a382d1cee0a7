using System.Diagnostics;
using Orleans.TestingHost;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains.Agencies;

namespace OrleansHub.Grains.Tests.Agencies;

/// <summary>
/// Agency changes pushed from the catalog to every silo. The cluster here polls the catalog only once an hour, so a change
/// reaching the other silo within the test's deadline can only have come through the push.
/// </summary>
public sealed class AgencyChangeNoticeTests : IAsyncLifetime
{
    private const string Operator = "registry";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await DirectoryClusters.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private AgencyDirectory Silo(int index) => _cluster.Directory(index);

    [Fact]
    public async Task KeyRevoked_WithoutAnyPollOrLocalRefresh_IsRefusedByEverySilo()
    {
        var code = TestAgencies.NewCode();
        var grain = _cluster.Client.GetGrain<IAgencyGrain>(code);
        await grain.RegisterAsync(TestAgencies.Bank(), expectedVersion: 0, Operator);
        var issued = (await grain.IssueKeyAsync(Operator)).Issued!;
        var key = issued.Plaintext;

        // Both silos hold the agency, loaded once; with an hour between polls only a pushed notice can refresh them.
        foreach (var silo in new[] { Silo(0), Silo(1) })
        {
            Assert.True((await silo.AuthenticateAsync(key)).IsValid);
        }

        await grain.RevokeKeyAsync(issued.Key.KeyId, Operator);

        foreach (var silo in new[] { Silo(0), Silo(1) })
        {
            Assert.Equal(AgencyKeyStatus.Refused, await EventuallyRefusedAsync(silo, key));
        }
    }

    [Fact]
    public async Task AgencySuspended_IsSeenSuspendedByEverySilo()
    {
        var code = TestAgencies.NewCode();
        var grain = _cluster.Client.GetGrain<IAgencyGrain>(code);
        await grain.RegisterAsync(TestAgencies.Bank(), expectedVersion: 0, Operator);
        Assert.True((await Silo(0).FindAsync(code))!.IsActive);
        Assert.True((await Silo(1).FindAsync(code))!.IsActive);

        await grain.RegisterAsync(TestAgencies.Bank(AgencyStatus.Suspended), expectedVersion: 1, Operator);

        foreach (var silo in new[] { Silo(0), Silo(1) })
        {
            var clock = Stopwatch.StartNew();
            while ((await silo.FindAsync(code))!.IsActive && clock.Elapsed < Deadline)
            {
                await Task.Delay(20);
            }

            Assert.False((await silo.FindAsync(code))!.IsActive);
        }
    }

    private static async Task<AgencyKeyStatus> EventuallyRefusedAsync(AgencyDirectory silo, string key)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = (await silo.AuthenticateAsync(key)).Status;
            if (status != AgencyKeyStatus.Valid || clock.Elapsed > Deadline)
            {
                return status;
            }

            await Task.Delay(20);
        }
    }
}
