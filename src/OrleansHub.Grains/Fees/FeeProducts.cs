namespace OrleansHub.Grains.Fees;

/// <summary>The product codes of Circular 48/2022/TT-BTC that the hub's API channel sells.</summary>
public static class FeeProducts
{
    /// <summary>Verification of citizen information (yes/no answers).</summary>
    public const string Verification = "SPDC01";

    /// <summary>An e-document via a software application: the API channel's disclosures.</summary>
    public const string ApiDisclosure = "SPDC04";

    /// <summary>Every product a schedule must price, in code order.</summary>
    public static readonly IReadOnlyList<string> All = [Verification, ApiDisclosure];
}

/// <summary>
/// The fee calendar: statutory dates are Vietnamese civil dates, so a request is dated (for its schedule, its statement
/// day and its statement month) in Indochina Time, UTC+07:00, which has no daylight saving.
/// </summary>
public static class FeeCalendar
{
    /// <summary>Parses a statement month written <c>yyyy-MM</c> (years 2000 to 9998); its first day, or null.</summary>
    public static DateOnly? ParseMonth(string? text)
    {
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var month)
            || year is < 2000 or > 9998 || month is < 1 or > 12)
        {
            return null;
        }

        return new DateOnly(year, month, 1);
    }
}
