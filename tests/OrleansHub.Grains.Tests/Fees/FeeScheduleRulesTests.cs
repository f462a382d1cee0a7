using OrleansHub.Grains.Fees;

namespace OrleansHub.Grains.Tests.Fees;

public sealed class FeeScheduleRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 29);

    [Fact]
    public void Publish_AfterTheOpenEndedSchedule_EndsItTheDayBefore()
    {
        var result = FeeScheduleRules.Publish(FeeSchedule.BuiltIn, FeePricingTests.Draft(new DateOnly(2027, 1, 1), 1_200), Today);

        Assert.Equal(ScheduleRefusal.None, result.Refusal);
        Assert.Equal(3, result.Published!.Version);
        Assert.Equal(new DateOnly(2026, 12, 31), result.Schedules.Single(s => s.Version == 2).EffectiveUntil);
        Assert.Equal(500, result.Schedules.Single(s => s.Version == 1).PricePerFieldVnd[FeeProducts.Verification]);
    }

    [Theory]
    [InlineData(2026, 11, 29)]
    [InlineData(2025, 1, 1)]
    public void Publish_StartingTodayOrEarlier_IsRefused(int year, int month, int day)
    {
        var result = FeeScheduleRules.Publish(FeeSchedule.BuiltIn, FeePricingTests.Draft(new DateOnly(year, month, day), 1_200), Today);

        Assert.Equal(ScheduleRefusal.StartsTooSoon, result.Refusal);
        Assert.Same(FeeSchedule.BuiltIn[1].PricePerFieldVnd, result.Schedules[1].PricePerFieldVnd);
    }

    [Fact]
    public void Publish_AfterABoundedSchedule_MustBeginTheNextDay()
    {
        var bounded = FeeScheduleRules.Publish(FeeSchedule.BuiltIn, FeePricingTests.Draft(new DateOnly(2027, 1, 1), 1_200, until: new DateOnly(2027, 6, 30)), Today).Schedules;

        Assert.Equal(ScheduleRefusal.LeavesGap, FeeScheduleRules.Publish(bounded, FeePricingTests.Draft(new DateOnly(2027, 7, 2), 1_500), Today).Refusal);
        Assert.Equal(ScheduleRefusal.Overlaps, FeeScheduleRules.Publish(bounded, FeePricingTests.Draft(new DateOnly(2027, 6, 30), 1_500), Today).Refusal);
        Assert.Equal(ScheduleRefusal.None, FeeScheduleRules.Publish(bounded, FeePricingTests.Draft(new DateOnly(2027, 7, 1), 1_500), Today).Refusal);
    }

    [Fact]
    public void Publish_BeforeTheLatestFutureSchedule_Overlaps()
    {
        var withFuture = FeeScheduleRules.Publish(FeeSchedule.BuiltIn, FeePricingTests.Draft(new DateOnly(2027, 1, 1), 1_200), Today).Schedules;

        Assert.Equal(ScheduleRefusal.Overlaps, FeeScheduleRules.Publish(withFuture, FeePricingTests.Draft(new DateOnly(2026, 12, 15), 1_100), Today).Refusal);
    }

    [Fact]
    public void Replace_ScheduleInForce_IsRefused()
    {
        var result = FeeScheduleRules.Replace(FeeSchedule.BuiltIn, 2, FeePricingTests.Draft(new DateOnly(2027, 1, 1), 2_000), Today);

        Assert.Equal(ScheduleRefusal.AlreadyInEffect, result.Refusal);
    }

    [Fact]
    public void Replace_FutureLatestSchedule_MovesThePreviousEnd()
    {
        var withFuture = FeeScheduleRules.Publish(FeeSchedule.BuiltIn, FeePricingTests.Draft(new DateOnly(2027, 1, 1), 1_200), Today).Schedules;

        var result = FeeScheduleRules.Replace(withFuture, 3, FeePricingTests.Draft(new DateOnly(2027, 2, 1), 1_300), Today);

        Assert.Equal(ScheduleRefusal.None, result.Refusal);
        Assert.Equal(new DateOnly(2027, 1, 31), result.Schedules.Single(s => s.Version == 2).EffectiveUntil);
        Assert.Equal(1_300, result.Schedules.Single(s => s.Version == 3).PricePerFieldVnd[FeeProducts.ApiDisclosure]);
    }

    [Fact]
    public void Validate_NegativeUnknownAndMissingPrices_AreEachListed()
    {
        var draft = new FeeScheduleDraft(new DateOnly(2027, 1, 1), new DateOnly(2026, 12, 1),
            new Dictionary<string, long> { [FeeProducts.Verification] = -1, ["SPDC99"] = 10 });

        var errors = FeeScheduleRules.Validate(draft);

        Assert.Equal(
            ["effectiveUntil", "pricePerFieldVnd.SPDC04", "pricePerFieldVnd.SPDC01", "pricePerFieldVnd.SPDC99"],
            errors.Select(e => e.Field));
    }
}
