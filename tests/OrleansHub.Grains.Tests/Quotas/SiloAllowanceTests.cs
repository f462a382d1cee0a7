using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains.Quotas;

namespace OrleansHub.Grains.Tests.Quotas;

public sealed class SiloAllowanceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 11, 28);
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    private static QuotaLease Lease(AgencyQuota? quota, int granted, QuotaLimit heldBy = QuotaLimit.None, TimeSpan retryAfter = default, long dailyUsed = 0) =>
        new(granted, new QuotaSettings(quota, 1, Start), Today, dailyUsed, dailyUsed, heldBy, retryAfter, QuotaPeriods.EndOfDay(Today), QuotaPeriods.EndOfMonth(Today));

    [Fact]
    public void TryAdmit_BeforeAnyLease_AsksForOne()
    {
        var allowance = new SiloAllowance(Refresh);

        Assert.Equal(AdmissionOutcome.NeedsLease, allowance.TryAdmit(1, Start).Outcome);
        Assert.True(allowance.LeaseFor(5, Start).Wanted >= 5);
    }

    [Fact]
    public void TryAdmit_HeldUnits_AreSpentByCostWithoutAnotherLease()
    {
        var allowance = new SiloAllowance(Refresh);
        allowance.Apply(Lease(new AgencyQuota(100, 200, null, null), granted: 25), Start);

        Assert.Equal(AdmissionOutcome.Admitted, allowance.TryAdmit(20, Start).Outcome);
        Assert.Equal(5, allowance.Held);
        Assert.Equal(AdmissionOutcome.NeedsLease, allowance.TryAdmit(6, Start).Outcome);
        Assert.Equal(5, allowance.Held);
    }

    [Fact]
    public void TryAdmit_WhileTheGrainHoldsBackByRate_RefusesLocallyUntilRetryAfter()
    {
        var allowance = new SiloAllowance(Refresh);
        allowance.Apply(Lease(new AgencyQuota(100, 200, null, null), granted: 0, QuotaLimit.Rate, TimeSpan.FromMilliseconds(300)), Start);

        var refused = allowance.TryAdmit(1, Start.AddMilliseconds(100));

        Assert.Equal(new Admission(AdmissionOutcome.Refused, QuotaLimit.Rate, TimeSpan.FromMilliseconds(200)), refused);
        Assert.Equal(AdmissionOutcome.NeedsLease, allowance.TryAdmit(1, Start.AddMilliseconds(300)).Outcome);
    }

    [Fact]
    public void TryAdmit_DailyQuotaUsedUp_TellsTheClientMidnightButAsksTheGrainAgainAfterARefresh()
    {
        var allowance = new SiloAllowance(Refresh);
        var untilMidnight = QuotaPeriods.EndOfDay(Today) - Start;
        allowance.Apply(Lease(new AgencyQuota(null, null, 10, null), granted: 0, QuotaLimit.Daily, untilMidnight, dailyUsed: 10), Start);

        var refused = allowance.TryAdmit(1, Start);

        Assert.Equal(QuotaLimit.Daily, refused.Limit);
        Assert.Equal(untilMidnight, refused.RetryAfter);
        Assert.Equal(AdmissionOutcome.NeedsLease, allowance.TryAdmit(1, Start + Refresh).Outcome);
    }

    [Fact]
    public void TryAdmit_Unlimited_AdmitsUntilTheReadingIsTwoRefreshesOld()
    {
        var allowance = new SiloAllowance(Refresh);
        allowance.Apply(Lease(quota: null, granted: 0), Start);

        Assert.Equal(AdmissionOutcome.Admitted, allowance.TryAdmit(100, Start.AddSeconds(2)).Outcome);
        Assert.Equal(AdmissionOutcome.NeedsLease, allowance.TryAdmit(1, Start.AddSeconds(2.5)).Outcome);
        Assert.Null(allowance.View(Start)!.Quota);
    }

    [Fact]
    public void BackgroundLease_QuietAgency_HandsBackEverythingItHolds()
    {
        var allowance = new SiloAllowance(Refresh);
        allowance.TryAdmit(1, Start);
        allowance.Apply(Lease(new AgencyQuota(100, 200, 1_000, null), granted: 20), Start);

        var request = allowance.BackgroundLease(Start.AddSeconds(5));

        Assert.Equal(new QuotaLeaseRequest(0, 20, Today), request);
        Assert.Equal(0, allowance.Held);
        Assert.Null(allowance.BackgroundLease(Start.AddSeconds(6)));
    }

    [Fact]
    public void BackgroundLease_ActiveAgencyRunningLow_TopsUpToAboutAQuarterSecondOfDemand()
    {
        var allowance = new SiloAllowance(Refresh);
        allowance.Apply(Lease(new AgencyQuota(1_000, 2_000, null, null), granted: 100), Start);
        for (var i = 0; i < 100; i++)
        {
            allowance.TryAdmit(1, Start.AddMilliseconds(i * 5));
        }

        var request = allowance.BackgroundLease(Start.AddMilliseconds(500));

        Assert.NotNull(request);
        Assert.Equal(25, request.Wanted);
        Assert.Equal(0, request.Returned);
    }

    [Fact]
    public void View_DailyRemaining_CountsUnitsThisSiloHoldsAsNotYetUsed()
    {
        var allowance = new SiloAllowance(Refresh);
        allowance.Apply(Lease(new AgencyQuota(null, null, 100, null), granted: 10, dailyUsed: 40), Start);
        allowance.TryAdmit(4, Start);

        var view = allowance.View(Start)!;

        Assert.Equal(66, view.DailyRemaining);
        Assert.Equal(6, view.HeldBySilo);
    }

    /// <summary>
    /// Three silos, each driven at 5/3 of the contracted rate for 60 simulated seconds, lease from one budget (no grain latency):
    /// the cluster admits no more than burst + rate × 60 and at least 97 % of rate × 60.
    /// </summary>
    [Fact]
    public void ThreeSilosAtFiveTimesTheRate_AdmitWithinTheContract()
    {
        const int rate = 300;
        var quota = new AgencyQuota(rate, 300, null, null);
        var budget = new QuotaBudget(quota, Today, 0, 0, Start);
        var silos = Enumerable.Range(0, 3).Select(_ => new SiloAllowance(Refresh)).ToArray();
        long admitted = 0;
        long refused = 0;
        var perSiloInterval = TimeSpan.FromSeconds(3.0 / (5 * rate));
        var nextRefresh = Start + Refresh;
        for (var now = Start; now < Start.AddSeconds(60); now += perSiloInterval)
        {
            foreach (var silo in silos)
            {
                var admission = silo.TryAdmit(1, now);
                if (admission.Outcome == AdmissionOutcome.NeedsLease)
                {
                    Apply(silo, budget, silo.LeaseFor(1, now), now);
                    admission = silo.TryAdmit(1, now, countDemand: false);
                }

                if (admission.Outcome == AdmissionOutcome.Admitted)
                {
                    admitted++;
                    if (silo.BackgroundLease(now) is { } topUp)
                    {
                        Apply(silo, budget, topUp, now);
                    }
                }
                else
                {
                    refused++;
                }
            }

            if (now >= nextRefresh)
            {
                nextRefresh += Refresh;
                foreach (var silo in silos)
                {
                    if (silo.BackgroundLease(now) is { } refresh)
                    {
                        Apply(silo, budget, refresh, now);
                    }
                }
            }
        }

        Assert.InRange(admitted, (long)(rate * 60 * 0.97), (rate * 60) + 300);
        Assert.True(refused > admitted * 3, $"{refused} refused of {admitted + refused}.");
    }

    private static void Apply(SiloAllowance silo, QuotaBudget budget, QuotaLeaseRequest request, DateTimeOffset now)
    {
        var (granted, heldBy, retryAfter) = budget.Lease(request, now);
        silo.Apply(new QuotaLease(granted, new QuotaSettings(new AgencyQuota(300, 300, null, null), 1, Start), Today, budget.DailyUsed, budget.MonthlyUsed,
            heldBy, retryAfter, QuotaPeriods.EndOfDay(Today), QuotaPeriods.EndOfMonth(Today), (long)Math.Floor(budget.TokensAt(now))), now);
    }

    [Fact]
    public void View_AgencyPacedFarBelowItsRate_ReportsTheBucketNotJustTheUnitsHeld()
    {
        // 20/s with a burst of 100, one request every 500 ms (2/s): the silo holds a unit or two, the bucket stays nearly full.
        var quota = new AgencyQuota(20, 100, null, null);
        var budget = new QuotaBudget(quota, Today, 0, 0, Start);
        var silo = new SiloAllowance(Refresh);
        var reported = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            var now = Start + TimeSpan.FromMilliseconds(500 * i);
            var admission = silo.TryAdmit(1, now);
            if (admission.Outcome == AdmissionOutcome.NeedsLease)
            {
                Apply(silo, budget, silo.LeaseFor(1, now), now, quota);
                admission = silo.TryAdmit(1, now, countDemand: false);
            }

            Assert.Equal(AdmissionOutcome.Admitted, admission.Outcome);
            if (silo.BackgroundLease(now) is { } topUp)
            {
                Apply(silo, budget, topUp, now, quota);
            }

            reported.Add(silo.View(now)!.RateRemaining!.Value);
            Assert.True(silo.Held <= 2, $"the silo holds {silo.Held}: the old r would have been at most that");
        }

        Assert.All(reported, r => Assert.InRange(r, 90, 100));
    }

    [Fact]
    public void View_WhileTheGrainHoldsBackByRate_ReportsOnlyWhatTheSiloHolds()
    {
        var allowance = new SiloAllowance(Refresh);
        allowance.Apply(Lease(new AgencyQuota(100, 200, null, null), granted: 0, QuotaLimit.Rate, TimeSpan.FromMilliseconds(300)), Start);

        Assert.Equal(0, allowance.View(Start)!.RateRemaining);
    }

    private static void Apply(SiloAllowance silo, QuotaBudget budget, QuotaLeaseRequest request, DateTimeOffset now, AgencyQuota quota)
    {
        var (granted, heldBy, retryAfter) = budget.Lease(request, now);
        silo.Apply(new QuotaLease(granted, new QuotaSettings(quota, 1, Start), Today, budget.DailyUsed, budget.MonthlyUsed,
            heldBy, retryAfter, QuotaPeriods.EndOfDay(Today), QuotaPeriods.EndOfMonth(Today), (long)Math.Floor(budget.TokensAt(now))), now);
    }
}
