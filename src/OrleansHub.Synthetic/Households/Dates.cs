namespace OrleansHub.Synthetic.Households;

/// <summary>Date arithmetic the builders share.</summary>
internal static class Dates
{
    /// <summary>Completed years of age on <paramref name="date"/>.</summary>
    public static int AgeOn(DateOnly dateOfBirth, DateOnly date)
    {
        var age = date.Year - dateOfBirth.Year;
        return dateOfBirth.AddYears(age) > date ? age - 1 : age;
    }

    public static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    public static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    public static DateOnly Clamp(DateOnly value, DateOnly min, DateOnly max) => value < min ? min : value > max ? max : value;
}
