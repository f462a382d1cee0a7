namespace OrleansHub.Synthetic;

/// <summary>
/// When a chip ID card expires (Law on Identification 2023, Art. 21; same ages as the 2014 law): cards are renewed at 14, 25,
/// 40 and 60, and a card issued within the two years before one of those ages stays valid until the next one. So a card
/// issued from the 58th birthday on never expires.
/// </summary>
public static class CardExpiry
{
    /// <summary>The ages at which a card must be renewed.</summary>
    public static readonly IReadOnlyList<int> RenewalAges = [14, 25, 40, 60];

    /// <summary>The grace before a renewal age within which a new card already counts as renewed.</summary>
    public const int GraceYears = 2;

    /// <summary>The expiry date of a card issued on <paramref name="issuedOn"/>, or null when it is valid for life.</summary>
    public static DateOnly? For(DateOnly dateOfBirth, DateOnly issuedOn)
    {
        foreach (var age in RenewalAges)
        {
            if (issuedOn < dateOfBirth.AddYears(age - GraceYears))
            {
                return dateOfBirth.AddYears(age);
            }
        }

        return null;
    }
}
