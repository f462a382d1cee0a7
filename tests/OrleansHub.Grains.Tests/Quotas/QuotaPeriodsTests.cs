using OrleansHub.Grains.Quotas;

namespace OrleansHub.Grains.Tests.Quotas;

public sealed class QuotaPeriodsTests
{
    [Fact]
    public void DayOf_SeventeenHundredUtc_IsTheNextVietnameseDay()
    {
        Assert.Equal(new DateOnly(2026, 11, 28), VietnamCalendar.DateOf(new DateTimeOffset(2026, 11, 28, 16, 59, 59, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 11, 29), VietnamCalendar.DateOf(new DateTimeOffset(2026, 11, 28, 17, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void EndOfDayAndMonth_AreMidnightInHanoi()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 17, 0, 0, TimeSpan.Zero), QuotaPeriods.EndOfDay(new DateOnly(2026, 11, 28)));
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 17, 0, 0, TimeSpan.Zero), QuotaPeriods.EndOfMonth(new DateOnly(2026, 12, 5)));
    }
}
