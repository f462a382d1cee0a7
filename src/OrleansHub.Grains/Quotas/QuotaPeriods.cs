namespace OrleansHub.Grains.Quotas;

/// <summary>
/// Daily and monthly quotas run on Vietnam's calendar (UTC+07:00, no daylight saving): a day starts at 00:00 in Hanoi.
/// A fixed offset rather than a time-zone lookup, so the result never depends on the host's time-zone data.
/// </summary>
public static class QuotaPeriods
{
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>The Vietnamese calendar day <paramref name="now"/> falls on.</summary>
    public static DateOnly DayOf(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(VietnamOffset).DateTime);

    /// <summary>Whether two days fall in the same calendar month.</summary>
    public static bool SameMonth(DateOnly a, DateOnly b) => a.Year == b.Year && a.Month == b.Month;

    /// <summary>When the day of <paramref name="day"/> ends (the next day's midnight, Vietnam time).</summary>
    public static DateTimeOffset EndOfDay(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), VietnamOffset);

    /// <summary>When the month of <paramref name="day"/> ends (the next month's first midnight, Vietnam time).</summary>
    public static DateTimeOffset EndOfMonth(DateOnly day) => new(new DateOnly(day.Year, day.Month, 1).AddMonths(1).ToDateTime(TimeOnly.MinValue), VietnamOffset);
}
