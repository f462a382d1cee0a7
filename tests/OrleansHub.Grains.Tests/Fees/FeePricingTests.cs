using OrleansHub.Grains.Fees;

namespace OrleansHub.Grains.Tests.Fees;

public sealed class FeePricingTests
{
    private static readonly IReadOnlyList<FeeSchedule> Statutory = FeeSchedule.BuiltIn;

    /// <summary>A time on a fee-calendar (UTC+07:00) date.</summary>
    private static DateTimeOffset At(int year, int month, int day, int hour = 12) => new(year, month, day, hour, 0, 0, VietnamCalendar.Offset);

    [Fact]
    public void Price_LastDayOfTheReducedRate_Is500PerField()
    {
        var charge = FeePricing.Price(Statutory, At(2023, 12, 31, hour: 23), Requester.CommercialAgency, FeeProducts.ApiDisclosure, fields: 3, denied: false);

        Assert.Equal(new FeeCharge(FeeProducts.ApiDisclosure, 3, 1_500, Exempt: false, Schedule: 1), charge);
    }

    [Fact]
    public void Price_FirstDayOfTheFullRate_Is1000PerField()
    {
        var charge = FeePricing.Price(Statutory, At(2024, 1, 1, hour: 0), Requester.CommercialAgency, FeeProducts.ApiDisclosure, fields: 3, denied: false);

        Assert.Equal(new FeeCharge(FeeProducts.ApiDisclosure, 3, 3_000, Exempt: false, Schedule: 2), charge);
    }

    [Fact]
    public void Price_UtcEveningOfNewYearsEve_IsAlreadyNewYearsDayInVietnam()
    {
        // 2023-12-31T17:30Z is 2024-01-01T00:30 in Hà Nội: the statute's dates are Vietnamese dates.
        var charge = FeePricing.Price(Statutory, new DateTimeOffset(2023, 12, 31, 17, 30, 0, TimeSpan.Zero), Requester.CommercialAgency, FeeProducts.Verification, 1, false);

        Assert.Equal(1_000, charge!.Vnd);
    }

    [Fact]
    public void Price_FirstDayOfTheStatute_IsCharged_DayBeforeIsNot()
    {
        Assert.Equal(500, FeePricing.Price(Statutory, At(2022, 9, 17, hour: 0), Requester.CommercialAgency, FeeProducts.Verification, 1, false)!.Vnd);
        Assert.Null(FeePricing.Price(Statutory, At(2022, 9, 16, hour: 23), Requester.CommercialAgency, FeeProducts.Verification, 1, false));
    }

    [Fact]
    public void Price_DeniedAnswer_CostsNothing()
    {
        Assert.Null(FeePricing.Price(Statutory, At(2026, 11, 2), Requester.CommercialAgency, FeeProducts.ApiDisclosure, fields: 5, denied: true));
    }

    [Theory]
    [InlineData(Requester.StateAgency)]
    [InlineData(Requester.CitizenSelf)]
    public void Price_ExemptRequester_IsCountedButFree(Requester requester)
    {
        var charge = FeePricing.Price(Statutory, At(2026, 11, 2), requester, FeeProducts.ApiDisclosure, fields: 4, denied: false);

        Assert.Equal(new FeeCharge(FeeProducts.ApiDisclosure, 4, 0, Exempt: true, Schedule: 2), charge);
    }

    [Fact]
    public void Price_VerificationAndDisclosureOfTheSameFields_CarryTheirOwnProductsAtTheSameRate()
    {
        var verification = FeePricing.Price(Statutory, At(2026, 11, 2), Requester.CommercialAgency, FeeProducts.Verification, 2, false)!;
        var disclosure = FeePricing.Price(Statutory, At(2026, 11, 2), Requester.CommercialAgency, FeeProducts.ApiDisclosure, 2, false)!;

        Assert.Equal((FeeProducts.Verification, 2_000L), (verification.Product, verification.Vnd));
        Assert.Equal((FeeProducts.ApiDisclosure, 2_000L), (disclosure.Product, disclosure.Vnd));
    }

    [Fact]
    public void Price_BatchItemsPricedOneByOne_MixedOutcomesAddUpToTheAllowedItemsOnly()
    {
        // A batch of three: two answered (2 and 1 fields returned), one denied.
        var items = new[] { (Fields: 2, Denied: false), (Fields: 1, Denied: false), (Fields: 2, Denied: true) };

        var total = items.Sum(i => FeePricing.Price(Statutory, At(2026, 11, 2), Requester.CommercialAgency, FeeProducts.ApiDisclosure, i.Fields, i.Denied)?.Vnd ?? 0);

        Assert.Equal(3_000, total);
    }

    [Fact]
    public void Price_AnsweredWithNoField_IsAChargeOfZeroThatIsNotExempt()
    {
        var charge = FeePricing.Price(Statutory, At(2026, 11, 2), Requester.CommercialAgency, FeeProducts.ApiDisclosure, fields: 0, denied: false);

        Assert.Equal(new FeeCharge(FeeProducts.ApiDisclosure, 0, 0, Exempt: false, Schedule: 2), charge);
    }

    [Fact]
    public void Price_PublishedFutureSchedule_AppliesFromItsFirstDayOnly()
    {
        var published = FeeScheduleRules.Publish(Statutory, Draft(new DateOnly(2027, 1, 1), 1_200), today: new DateOnly(2026, 11, 29));

        Assert.Equal(1_000, FeePricing.Price(published.Schedules, At(2026, 12, 31, hour: 23), Requester.CommercialAgency, FeeProducts.Verification, 1, false)!.Vnd);
        Assert.Equal(1_200, FeePricing.Price(published.Schedules, At(2027, 1, 1, hour: 0), Requester.CommercialAgency, FeeProducts.Verification, 1, false)!.Vnd);
    }

    internal static FeeScheduleDraft Draft(DateOnly from, long price, DateOnly? until = null) =>
        new(from, until, FeeProducts.All.ToDictionary(p => p, _ => price, StringComparer.Ordinal));
}
