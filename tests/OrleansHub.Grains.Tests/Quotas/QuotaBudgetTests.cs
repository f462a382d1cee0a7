using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains.Quotas;

namespace OrleansHub.Grains.Tests.Quotas;

public sealed class QuotaBudgetTests
{
    // 10:00 in Hanoi.
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 11, 28);

    private static QuotaBudget Budget(AgencyQuota? quota, long dailyUsed = 0, long monthlyUsed = 0) => new(quota, Today, dailyUsed, monthlyUsed, Start);

    private static QuotaLeaseRequest Want(int units) => new(units, 0, default);

    [Fact]
    public void Lease_FreshBudget_GrantsTheBurstThenHoldsBackByRateUntilRefilled()
    {
        var budget = Budget(new AgencyQuota(100, 200, null, null));

        Assert.Equal(200, budget.Lease(Want(500), Start).Granted);
        var (granted, heldBy, retryAfter) = budget.Lease(Want(50), Start);

        Assert.Equal(0, granted);
        Assert.Equal(QuotaLimit.Rate, heldBy);
        Assert.Equal(TimeSpan.FromSeconds(0.5), retryAfter);
        Assert.Equal(50, budget.Lease(Want(50), Start.AddSeconds(0.5)).Granted);
    }

    [Fact]
    public void Lease_ManyCallsOverTenSeconds_GrantBurstPlusRateTimesTimeAndNoMore()
    {
        var budget = Budget(new AgencyQuota(100, 200, null, null));
        long granted = 0;
        for (var ms = 0; ms <= 10_000; ms += 7)
        {
            granted += budget.Lease(Want(13), Start.AddMilliseconds(ms)).Granted;
        }

        Assert.InRange(granted, 200 + 1_000 - 13, 200 + 1_000);
    }

    [Fact]
    public void Lease_DailyQuotaReached_HoldsBackByDailyUntilMidnightInHanoi()
    {
        var budget = Budget(new AgencyQuota(null, null, 100, null), dailyUsed: 90);

        var (granted, heldBy, retryAfter) = budget.Lease(Want(25), Start);

        Assert.Equal(10, granted);
        Assert.Equal(QuotaLimit.Daily, heldBy);
        Assert.Equal(TimeSpan.FromHours(14), retryAfter);
        Assert.Equal(100, budget.DailyUsed);
    }

    [Fact]
    public void Lease_NextDay_StartsTheDailyCountAgainButKeepsTheMonth()
    {
        var budget = Budget(new AgencyQuota(null, null, 100, 1_000), dailyUsed: 100, monthlyUsed: 500);

        var (granted, _, _) = budget.Lease(Want(30), Start.AddDays(1));

        Assert.Equal(30, granted);
        Assert.Equal(30, budget.DailyUsed);
        Assert.Equal(530, budget.MonthlyUsed);
    }

    [Fact]
    public void Lease_MonthlyQuotaReached_HoldsBackByMonthlyEvenWhenTheDayHasRoom()
    {
        var budget = Budget(new AgencyQuota(null, null, 100, 1_000), dailyUsed: 0, monthlyUsed: 1_000);

        var (granted, heldBy, retryAfter) = budget.Lease(Want(1), Start);

        Assert.Equal(0, granted);
        Assert.Equal(QuotaLimit.Monthly, heldBy);
        Assert.Equal(QuotaPeriods.EndOfMonth(Today) - Start, retryAfter);
    }

    [Fact]
    public void Lease_ReturnedUnits_ComeOffTheCountersOfTheirDayAndBackIntoTheBucket()
    {
        var budget = Budget(new AgencyQuota(100, 200, 1_000, null));
        budget.Lease(Want(200), Start);

        budget.Lease(new QuotaLeaseRequest(0, 150, Today), Start);

        Assert.Equal(50, budget.DailyUsed);
        Assert.Equal(150, budget.TokensAt(Start), precision: 6);
    }

    [Fact]
    public void Lease_UnitsReturnedFromYesterday_DoNotLowerTodaysCount()
    {
        var budget = Budget(new AgencyQuota(null, null, 1_000, null), dailyUsed: 40);

        budget.Lease(new QuotaLeaseRequest(0, 30, Today.AddDays(-1)), Start);

        Assert.Equal(40, budget.DailyUsed);
    }

    [Fact]
    public void Lease_Unlimited_GrantsEverythingAndStillCounts()
    {
        var budget = Budget(null);

        Assert.Equal((5_000, QuotaLimit.None, TimeSpan.Zero), budget.Lease(Want(5_000), Start));
        Assert.Equal(5_000, budget.DailyUsed);
    }

    [Fact]
    public void Configure_LowerBurst_CapsWhatTheBucketHolds()
    {
        var budget = Budget(new AgencyQuota(100, 1_000, null, null));

        budget.Configure(new AgencyQuota(10, 100, null, null), Start);

        Assert.Equal(100, budget.Lease(Want(1_000), Start).Granted);
    }
}
