using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains.Quotas;

namespace OrleansHub.Grains.Tests.Quotas;

[Collection(ClusterCollection.Name)]
public sealed class AgencyQuotaGrainTests(ClusterFixture fixture)
{
    private static string NewCode() => $"Q{Random.Shared.Next(10_000_000, 99_999_999)}";

    private IAgencyQuotaGrain Grain(string code) => fixture.Grains.GetGrain<IAgencyQuotaGrain>(code);

    [Fact]
    public async Task SetAsync_NewQuota_IsVersionOneWithHistoryAndAnEqualOneChangesNothing()
    {
        var grain = Grain(NewCode());
        var quota = new AgencyQuota(50, 100, 1_000, null);

        var first = await grain.SetAsync(quota, expectedVersion: 0, "operator");
        var again = await grain.SetAsync(quota with { }, expectedVersion: null, "operator");

        Assert.True(first.Changed);
        Assert.Equal(1, first.Settings.Version);
        Assert.False(again.Changed);
        Assert.Equal(quota, (await grain.GetAsync()).Quota);
        Assert.Equal([1L], (await grain.GetHistoryAsync()).Select(c => c.Version));
    }

    [Fact]
    public async Task SetAsync_StaleVersionOrInvalidQuota_ChangesNothing()
    {
        var grain = Grain(NewCode());
        await grain.SetAsync(new AgencyQuota(null, null, 10, null), null, "operator");

        var stale = await grain.SetAsync(new AgencyQuota(null, null, 20, null), expectedVersion: 0, "operator");
        var invalid = await grain.SetAsync(new AgencyQuota(-1, 100, null, null), expectedVersion: null, "operator");

        Assert.Equal(QuotaFailure.VersionMismatch, stale.Failure);
        Assert.Equal(QuotaFailure.Invalid, invalid.Failure);
        Assert.Equal("ratePerSecond", Assert.Single(invalid.Errors).Field);
        Assert.Equal(10, (await grain.GetAsync()).Quota!.DailyRequests);
    }

    [Fact]
    public async Task LeaseAsync_DailyQuota_GrantsUpToItThenNamesTheDailyLimit()
    {
        var grain = Grain(NewCode());
        await grain.SetAsync(new AgencyQuota(null, null, 10, 100), null, "operator");

        var first = await grain.LeaseAsync(new QuotaLeaseRequest(7, 0, default));
        var second = await grain.LeaseAsync(new QuotaLeaseRequest(7, 0, default));

        Assert.Equal(7, first.Granted);
        Assert.Equal(3, second.Granted);
        Assert.Equal(QuotaLimit.Daily, second.HeldBackBy);
        Assert.Equal(10, second.DailyUsed);
        Assert.Equal(new QuotaUsage(second.Day, 10, 10), await grain.GetUsageAsync());
    }

    [Fact]
    public async Task SetAsync_Null_PutsTheAgencyUnderTheDefaultQuotaAsANewVersion()
    {
        var grain = Grain(NewCode());
        await grain.SetAsync(new AgencyQuota(10, 100, null, null), null, "operator");

        var removed = await grain.SetAsync(null, expectedVersion: 1, "operator");
        var lease = await grain.LeaseAsync(new QuotaLeaseRequest(100_000, 0, default));

        var defaults = new DefaultQuotaOptions();
        Assert.Equal(2, removed.Settings.Version);
        Assert.True(removed.Settings.IsDefault);
        Assert.Equal(defaults.Quota, removed.Settings.Quota);
        Assert.InRange(lease.Granted, 1, defaults.Burst!.Value);
        Assert.Null((await grain.GetHistoryAsync())[0].Quota);
    }

    [Fact]
    public async Task LeaseAsync_AgencyNeverGivenAQuota_IsHeldToTheDefault()
    {
        var lease = await Grain(NewCode()).LeaseAsync(new QuotaLeaseRequest(1_000_000, 0, default));

        Assert.True(lease.Settings.IsDefault);
        Assert.Equal(new DefaultQuotaOptions().Burst, lease.Granted);
    }
}
