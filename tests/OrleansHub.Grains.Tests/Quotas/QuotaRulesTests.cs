using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains.Quotas;

namespace OrleansHub.Grains.Tests.Quotas;

public sealed class QuotaRulesTests
{
    private static IReadOnlyList<string> FieldsIn(AgencyQuota quota) => [.. QuotaRules.Validate(quota).Select(e => e.Field)];

    [Fact]
    public void Validate_FullContractAndSingleLimits_HaveNoErrors()
    {
        Assert.Empty(FieldsIn(new AgencyQuota(200, 400, 1_000_000, 20_000_000)));
        Assert.Empty(FieldsIn(new AgencyQuota(1, 100, null, null)));
        Assert.Empty(FieldsIn(new AgencyQuota(null, null, 10, null)));
        Assert.Empty(FieldsIn(new AgencyQuota(QuotaRules.MaxRatePerSecond, QuotaRules.MaxBurst, null, 1)));
    }

    [Theory]
    [InlineData(0L, "ratePerSecond")]
    [InlineData(-5L, "ratePerSecond")]
    [InlineData(1_000_001L, "ratePerSecond")]
    [InlineData(long.MaxValue, "ratePerSecond")]
    public void Validate_RateOutOfRange_NamesTheRate(long rate, string field) =>
        Assert.Equal([field], FieldsIn(new AgencyQuota(rate, 100, null, null)));

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(99L)]
    [InlineData(10_000_001L)]
    public void Validate_BurstOutOfRange_NamesTheBurst(long burst) =>
        Assert.Equal(["burst"], FieldsIn(new AgencyQuota(10, burst, null, null)));

    [Fact]
    public void Validate_RateWithoutBurstOrBurstWithoutRate_IsRefused()
    {
        Assert.Equal(["burst"], FieldsIn(new AgencyQuota(10, null, null, null)));
        Assert.Equal(["ratePerSecond"], FieldsIn(new AgencyQuota(null, 100, null, null)));
    }

    [Theory]
    [InlineData(0L, null, "dailyRequests")]
    [InlineData(-1L, null, "dailyRequests")]
    [InlineData(10_000_000_001L, null, "dailyRequests")]
    [InlineData(null, 0L, "monthlyRequests")]
    [InlineData(null, -3L, "monthlyRequests")]
    [InlineData(1_000L, 999L, "monthlyRequests")]
    public void Validate_CalendarQuotaOutOfRange_NamesIt(long? daily, long? monthly, string field) =>
        Assert.Equal([field], FieldsIn(new AgencyQuota(null, null, daily, monthly)));

    [Fact]
    public void Validate_NoLimitAtAll_IsRefusedWithAHintToDelete()
    {
        var error = Assert.Single(QuotaRules.Validate(new AgencyQuota(null, null, null, null)));
        Assert.Equal("quota", error.Field);
        Assert.Contains("delete", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryBrokenRule_IsListed() =>
        Assert.Equal(["ratePerSecond", "burst", "dailyRequests", "monthlyRequests"], FieldsIn(new AgencyQuota(-1, 0, 0, -1)));
}
