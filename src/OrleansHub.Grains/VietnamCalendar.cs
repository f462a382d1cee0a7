namespace OrleansHub.Grains;

/// <summary>
/// Vietnam's civil calendar (UTC+07:00, no daylight saving), which fee dates and daily and monthly quotas follow: a day
/// starts at 00:00 in Hanoi. A fixed offset rather than a time-zone lookup, so results never depend on the host's zone data.
/// </summary>
public static class VietnamCalendar
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    /// <summary>The Vietnamese calendar day <paramref name="at"/> falls on.</summary>
    public static DateOnly DateOf(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Offset).DateTime);

    /// <summary>The first instant of <paramref name="date"/> (its midnight in Hanoi).</summary>
    public static DateTimeOffset StartOf(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Offset);
}
