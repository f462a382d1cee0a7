namespace OrleansHub.Grains.Quotas;

/// <summary>Daily and monthly quota periods, on <see cref="VietnamCalendar"/>.</summary>
public static class QuotaPeriods
{
    /// <summary>Whether two days fall in the same calendar month.</summary>
    public static bool SameMonth(DateOnly a, DateOnly b) => a.Year == b.Year && a.Month == b.Month;

    /// <summary>When the day of <paramref name="day"/> ends (the next day's midnight, Vietnam time).</summary>
    public static DateTimeOffset EndOfDay(DateOnly day) => VietnamCalendar.StartOf(day.AddDays(1));

    /// <summary>When the month of <paramref name="day"/> ends (the next month's first midnight, Vietnam time).</summary>
    public static DateTimeOffset EndOfMonth(DateOnly day) => VietnamCalendar.StartOf(new DateOnly(day.Year, day.Month, 1).AddMonths(1));
}
