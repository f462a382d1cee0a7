using System.Diagnostics.CodeAnalysis;

namespace OrleansHub.Abstractions.Citizens;

/// <summary>
/// The 12-digit personal identification number, <c>PPP C YY RRRRRR</c>: province of birth registration,
/// century-and-sex digit, last two digits of the birth year, six random digits. There is no check digit,
/// so validation is structural.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.PersonalId")]
public readonly record struct PersonalId
{
    public const int Length = 12;

    private PersonalId(string value) => Value = value;

    [Id(0)]
    public string Value { get; }

    /// <summary>Province code of birth registration (first three digits).</summary>
    public string ProvinceCode => Value[..3];

    /// <summary>Sex encoded by the century digit: even digits are male, odd digits female.</summary>
    public Sex Sex => (Value[3] - '0') % 2 == 0 ? Sex.Male : Sex.Female;

    /// <summary>Birth year encoded by the century digit and the two year digits.</summary>
    public int BirthYear => 1900 + ((Value[3] - '0') / 2 * 100) + int.Parse(Value.AsSpan(4, 2), provider: null);

    /// <summary>Parses a candidate ID, or explains in one sentence why it is not one.</summary>
    public static bool TryParse(string? candidate, [NotNullWhen(true)] out PersonalId? id, [NotNullWhen(false)] out string? error)
    {
        id = null;
        if (string.IsNullOrEmpty(candidate))
        {
            error = "The personal ID number is missing.";
            return false;
        }

        if (candidate.Length != Length)
        {
            error = $"A personal ID number has exactly {Length} digits.";
            return false;
        }

        // char.IsAsciiDigit rejects full-width and other Unicode digits that int.Parse would accept.
        if (!candidate.All(char.IsAsciiDigit))
        {
            error = "A personal ID number contains only the ASCII digits 0-9.";
            return false;
        }

        if (!Provinces.IsKnownCode(candidate[..3]))
        {
            error = "The first three digits are not a province code of birth registration.";
            return false;
        }

        id = new PersonalId(candidate);
        error = null;
        return true;
    }

    /// <summary>Parses an ID that is known to be valid (from storage or a grain key); throws otherwise.</summary>
    public static PersonalId Parse(string candidate) =>
        TryParse(candidate, out var id, out var error) ? id.Value : throw new FormatException(error);

    /// <summary>Whether the century/sex digit and the year digits agree with a date of birth and sex.</summary>
    public bool AgreesWith(DateOnly dateOfBirth, Sex sex) => BirthYear == dateOfBirth.Year && Sex == sex;

    public override string ToString() => Value;
}
