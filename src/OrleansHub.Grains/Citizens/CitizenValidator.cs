using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Citizens;

/// <summary>The registry's rules for a citizen's identity. Pure: every violation is listed, nothing is thrown.</summary>
public static class CitizenValidator
{
    public const int MaxNameLength = 100;

    /// <summary>Lists every rule <paramref name="identity"/> breaks for the citizen <paramref name="id"/> on <paramref name="today"/>.</summary>
    public static IReadOnlyList<FieldError> Validate(PersonalId id, CitizenIdentity identity, DateOnly today)
    {
        var errors = new List<FieldError>();

        var name = identity.FullName;
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new("fullName", "The full name is required."));
        }
        else
        {
            if (name.Length > MaxNameLength)
            {
                errors.Add(new("fullName", $"The full name is at most {MaxNameLength} characters."));
            }

            if (!IsPersonName(name))
            {
                errors.Add(new("fullName", "The full name may hold letters (with diacritics), spaces, apostrophes, hyphens and dots only."));
            }
        }

        var sexKnown = Enum.IsDefined(identity.Sex);
        if (!sexKnown)
        {
            errors.Add(new("sex", "Sex is 'Male' or 'Female'."));
        }

        var dateKnown = false;
        if (identity.DateOfBirth > today)
        {
            errors.Add(new("dateOfBirth", "The date of birth cannot be in the future."));
        }
        else if (identity.DateOfBirth.Year < 1900)
        {
            errors.Add(new("dateOfBirth", "The date of birth is before 1900, which no ID number can encode."));
        }
        else
        {
            dateKnown = true;
        }

        // Only compare with the ID when both sides are meaningful, so one mistake is reported once.
        if (dateKnown && sexKnown && !id.AgreesWith(identity.DateOfBirth, identity.Sex))
        {
            errors.Add(new("id", "The ID number's century/sex digit and year digits disagree with the date of birth and sex."));
        }

        return errors;
    }

    // Letters in any script (Vietnamese diacritics are letters or combining marks) plus the separators names use.
    private static bool IsPersonName(string name) =>
        name.All(c => char.IsLetter(c) || c is ' ' or '\'' or '-' or '.' ||
            char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark);
}
