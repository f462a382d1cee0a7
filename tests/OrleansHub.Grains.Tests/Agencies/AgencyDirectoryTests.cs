using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains.Agencies;

namespace OrleansHub.Grains.Tests.Agencies;

/// <summary>The per-silo agency directory on the two-silo cluster: each silo's own cache, kept fresh through the catalog.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AgencyDirectoryTests(ClusterFixture fixture)
{
    private const string Operator = "registry";

    /// <summary>Far longer than the 1 s refresh interval, so a slow machine does not fail the test; a broken refresh still does.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private AgencyDirectory Silo(int index) => fixture.Cluster.Silos[index].ServiceProvider.GetRequiredService<AgencyDirectory>();

    private async Task<(IAgencyGrain Grain, string Code, string Key, string KeyId)> AgencyWithKeyAsync()
    {
        var code = TestAgencies.NewCode();
        var grain = fixture.Grains.GetGrain<IAgencyGrain>(code);
        await grain.RegisterAsync(TestAgencies.Bank(), expectedVersion: 0, Operator);
        var issued = (await grain.IssueKeyAsync(Operator)).Issued!;
        return (grain, code, issued.Plaintext, issued.Key.KeyId);
    }

    /// <summary>Asks <paramref name="probe"/> until <paramref name="done"/> holds or the deadline passes, and returns the last answer.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await probe();
            if (done(answer) || clock.Elapsed > Deadline)
            {
                return answer;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Authenticate_IssuedKey_IsValidOnBothSilosWithPolicyAndKeyId()
    {
        var (_, code, key, keyId) = await AgencyWithKeyAsync();

        foreach (var silo in new[] { Silo(0), Silo(1) })
        {
            var check = await silo.AuthenticateAsync(key);
            Assert.Equal((AgencyKeyStatus.Valid, code, keyId), (check.Status, check.Policy!.Code, check.KeyId));
        }
    }

    [Fact]
    public async Task Authenticate_WrongSecretForAKnownKeyId_IsRefusedNamingTheAgency()
    {
        var (_, code, key, keyId) = await AgencyWithKeyAsync();
        var wrong = key[..^4] + (key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var check = await Silo(0).AuthenticateAsync(wrong);

        Assert.Equal((AgencyKeyStatus.Refused, code, keyId), (check.Status, check.Policy!.Code, check.KeyId));
    }

    [Fact]
    public async Task Authenticate_KeyIdTheAgencyNeverHad_IsRefused()
    {
        var (_, code, _, _) = await AgencyWithKeyAsync();

        var check = await Silo(1).AuthenticateAsync(AgencyKeys.NewKey(code, "zzzzzzzz"));

        Assert.Equal(AgencyKeyStatus.Refused, check.Status);
    }

    [Theory]
    [InlineData("not-an-agency-key")]
    [InlineData("ohk_")]
    [InlineData("ohk_TNOSUCHAGENCY_abcdefgh_aaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Authenticate_MalformedOrUnregistered_IsUnknown(string key) =>
        Assert.Equal(AgencyKeyCheck.Unknown, await Silo(0).AuthenticateAsync(key));

    [Fact]
    public async Task Authenticate_KeyRevokedThroughOneSilo_IsRefusedAtOnceThereAndByTheOtherSiloWithinSeconds()
    {
        var (grain, code, key, keyId) = await AgencyWithKeyAsync();
        Assert.True((await Silo(0).AuthenticateAsync(key)).IsValid);
        Assert.True((await Silo(1).AuthenticateAsync(key)).IsValid);

        // What the admin API does on the silo that served the revocation.
        await grain.RevokeKeyAsync(keyId, Operator);
        await Silo(0).RefreshAsync(code);

        Assert.Equal(AgencyKeyStatus.Refused, (await Silo(0).AuthenticateAsync(key)).Status);
        var other = await EventuallyAsync(() => Silo(1).AuthenticateAsync(key).AsTask(), c => c.Status == AgencyKeyStatus.Refused);
        Assert.Equal(AgencyKeyStatus.Refused, other.Status);
    }

    [Fact]
    public async Task Authenticate_KeyRevokedWithoutAnyLocalRefresh_IsRefusedByBothSilosWithinSeconds()
    {
        var (grain, _, key, keyId) = await AgencyWithKeyAsync();
        Assert.True((await Silo(0).AuthenticateAsync(key)).IsValid);
        Assert.True((await Silo(1).AuthenticateAsync(key)).IsValid);

        await grain.RevokeKeyAsync(keyId, Operator);

        foreach (var silo in new[] { Silo(0), Silo(1) })
        {
            Assert.Equal(AgencyKeyStatus.Refused, (await EventuallyAsync(() => silo.AuthenticateAsync(key).AsTask(), c => !c.IsValid)).Status);
        }
    }

    [Fact]
    public async Task Find_AgencySuspended_IsSeenSuspendedByTheOtherSiloWithinSecondsAndItsKeyStillAuthenticates()
    {
        var (grain, code, key, _) = await AgencyWithKeyAsync();
        Assert.True((await Silo(1).FindAsync(code))!.IsActive);

        await grain.RegisterAsync(TestAgencies.Bank(AgencyStatus.Suspended), expectedVersion: 1, Operator);
        await Silo(0).RefreshAsync(code);

        Assert.False((await Silo(0).FindAsync(code))!.IsActive);
        var seen = await EventuallyAsync(() => Silo(1).FindAsync(code).AsTask(), p => p is { IsActive: false });
        Assert.Equal((AgencyStatus.Suspended, 2L), (seen!.Definition.Status, seen.Version));
        var check = await Silo(1).AuthenticateAsync(key);
        Assert.Equal((AgencyKeyStatus.Valid, AgencyStatus.Suspended), (check.Status, check.Policy!.Definition.Status));
    }

    [Fact]
    public async Task Find_AgencyRegisteredAfterAMiss_IsFoundWithinSeconds()
    {
        var code = TestAgencies.NewCode();
        Assert.Null(await Silo(1).FindAsync(code));

        await fixture.Grains.GetGrain<IAgencyGrain>(code).RegisterAsync(TestAgencies.StateBody(), expectedVersion: 0, Operator);

        var found = await EventuallyAsync(() => Silo(1).FindAsync(code).AsTask(), p => p is not null);
        Assert.Equal(code, found?.Code);
    }

    [Fact]
    public async Task Authenticate_FloodOfUnknownAgencyCodes_ActivatesNoAgencyGrain()
    {
        var before = await AgencyGrainActivationsAsync();

        foreach (var silo in new[] { Silo(0), Silo(1) })
        {
            await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => silo.AuthenticateAsync($"ohk_{TestAgencies.NewCode()}_key1_{new string('x', 43)}").AsTask()));
        }

        Assert.Equal(before, await AgencyGrainActivationsAsync());
    }

    private async Task<int> AgencyGrainActivationsAsync()
    {
        var statistics = await fixture.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(nameof(AgencyGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lower")]
    [InlineData("WAY-TOO-LONG-FOR-A-CODE")]
    public async Task Find_MalformedCode_IsNull(string code) => Assert.Null(await Silo(0).FindAsync(code));

    [Fact]
    public async Task Authenticate_ManyConcurrentFirstRequests_AllSucceed()
    {
        var (_, _, key, _) = await AgencyWithKeyAsync();

        var checks = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Silo(1).AuthenticateAsync(key).AsTask()));

        Assert.All(checks, c => Assert.Equal(AgencyKeyStatus.Valid, c.Status));
    }

    [Fact]
    public async Task Authenticate_RotatedWithGrace_OldKeyWorksUntilTheGraceEndsThenIsRefused()
    {
        var (grain, code, oldKey, oldKeyId) = await AgencyWithKeyAsync();
        var rotated = await grain.RotateKeyAsync(oldKeyId, TimeSpan.FromMinutes(30), Operator);
        await Silo(0).RefreshAsync(code);

        Assert.True((await Silo(0).AuthenticateAsync(oldKey)).IsValid);
        Assert.True((await Silo(0).AuthenticateAsync(rotated.Issued!.Plaintext)).IsValid);

        fixture.Time.Advance(TimeSpan.FromMinutes(31));

        // No reload needed: the directory knows when the old key stops working.
        Assert.Equal(AgencyKeyStatus.Refused, (await Silo(0).AuthenticateAsync(oldKey)).Status);
        Assert.True((await Silo(0).AuthenticateAsync(rotated.Issued.Plaintext)).IsValid);
    }
}
