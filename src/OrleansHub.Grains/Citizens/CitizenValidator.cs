using System.Globalization;
using OrleansHub.Abstractions.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Citizens;

/// <summary>The registry's rules for a citizen record. Pure: every violation is listed, nothing is thrown, no value is echoed.</summary>
public static class CitizenValidator
{
    /// <summary>Checks one submitted value against its field's shape.</summary>
    public static FieldError? CheckValue(string field, FieldInput input)
    {
        if (!FieldCatalog.Fields.TryGetValue(field, out var spec))
        {
            return new(field, "Not a field of a citizen record.");
        }

        if (input.IsClear)
        {
            return null;
        }

        if (spec.Kind == FieldKind.PatternList)
        {
            if (input.Items is null)
            {
                return new(field, "Must be a list of texts.");
            }

            if (input.Items.Count > spec.MaxItems)
            {
                return new(field, $"At most {spec.MaxItems} entries.");
            }

            return AllMatchWithoutDuplicates(input.Items, spec.Pattern!) ? null : new(field, $"Each entry is {spec.PatternDescription}, without duplicates.");
        }

        if (input.Text is not { } text)
        {
            return new(field, "Must be a text, not a list.");
        }

        return spec.Kind switch
        {
            FieldKind.Name => CheckText(field, text, spec.MaxLength, IsNameCharacter, "letters (with diacritics), spaces, apostrophes, hyphens and dots"),
            FieldKind.Address => CheckText(field, text, spec.MaxLength, IsAddressCharacter, "letters, digits, spaces and the punctuation , . / - ' ( ) #"),
            FieldKind.Date => TryParseDate(text, out _) ? null : new(field, "Must be an ISO 8601 date such as 1990-05-17."),
            FieldKind.Choice => spec.Choices!.Contains(text) ? null : new(field, $"Must be one of: {string.Join(", ", spec.Choices!)}."),
            FieldKind.PersonalIdRef => PersonalId.TryParse(text, out _, out var error) ? null : new(field, error),
            FieldKind.Province => Provinces.IsKnownCode(text) ? null : new(field, "Must be one of the 63 three-digit province codes."),
            FieldKind.Pattern => spec.Pattern!.IsMatch(text) ? null : new(field, $"Must be {spec.PatternDescription}."),
            _ => new(field, "Unsupported field kind."),
        };
    }

    /// <summary>Checks a whole record (after a write is merged) for the rules that span fields.</summary>
    public static IReadOnlyList<FieldError> CheckRecord(PersonalId id, IReadOnlyDictionary<string, FieldInput> fields, DateOnly today)
    {
        // Every record of an import passes through here: a valid one allocates nothing (no list, no enumerator).
        List<FieldError>? errors = null;
        for (var i = 0; i < FieldCatalog.Required.Count; i++)
        {
            if (!fields.ContainsKey(FieldCatalog.Required[i]))
            {
                (errors ??= []).Add(new(FieldCatalog.Required[i], "Required: every record holds a full name, date of birth and sex."));
            }
        }

        var birth = DateOf(fields, F.DateOfBirth);
        if (birth is { } born)
        {
            if (born > today)
            {
                (errors ??= []).Add(new(F.DateOfBirth, "The date of birth cannot be in the future."));
            }
            else if (born.Year < 1900)
            {
                (errors ??= []).Add(new(F.DateOfBirth, "The date of birth is before 1900, which no ID number can encode."));
            }
            else if (Text(fields, F.Sex) is { } sexText && Enum.TryParse<Sex>(sexText, ignoreCase: true, out var sex) && !id.AgreesWith(born, sex))
            {
                (errors ??= []).Add(new("id", "The ID number's century/sex digit and year digits disagree with the date of birth and sex."));
            }
        }

        foreach (var field in LaterDates)
        {
            if (DateOf(fields, field) is { } date && (date > today || (birth is { } b && date < b)))
            {
                (errors ??= []).Add(new(field, "Must fall between the date of birth and today."));
            }
        }

        if (Text(fields, F.PlaceOfBirth) is { } place && place != id.ProvinceCode)
        {
            (errors ??= []).Add(new(F.PlaceOfBirth, "Must equal the province code the ID number starts with."));
        }

        for (var i = 0; i < FieldCatalog.FamilyLinks.Count; i++)
        {
            var link = FieldCatalog.FamilyLinks[i];
            if (link != F.HeadOfHouseholdId && Text(fields, link) == id.Value)
            {
                (errors ??= []).Add(new(link, "A citizen cannot be linked to themselves."));
            }
        }

        if (Text(fields, F.FatherId) is { } father && father == Text(fields, F.MotherId))
        {
            (errors ??= []).Add(new(F.MotherId, "Father and mother must be different people."));
        }

        return errors ?? (IReadOnlyList<FieldError>)[];
    }

    /// <summary>The dates that must fall between birth and today.</summary>
    private static readonly string[] LaterDates = [F.DateOfDeath, F.MissingSince];

    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static string? Text(IReadOnlyDictionary<string, FieldInput> fields, string name) =>
        fields.TryGetValue(name, out var value) ? value.Text : null;

    private static DateOnly? DateOf(IReadOnlyDictionary<string, FieldInput> fields, string name) =>
        Text(fields, name) is { } text && TryParseDate(text, out var date) ? date : null;

    private static FieldError? CheckText(string field, string text, int maxLength, Func<char, bool> allowed, string allowedDescription)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new(field, "Must not be empty; send null to clear the field.");
        }

        if (text.Length > maxLength)
        {
            return new(field, $"At most {maxLength} characters.");
        }

        if (text != text.Trim() || text.Contains("  ", StringComparison.Ordinal))
        {
            return new(field, "No leading, trailing or doubled spaces.");
        }

        foreach (var c in text)
        {
            if (!allowed(c))
            {
                return new(field, $"May hold {allowedDescription} only.");
            }
        }

        return null;
    }

    private static bool AllMatchWithoutDuplicates(IReadOnlyList<string> items, System.Text.RegularExpressions.Regex pattern)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (!pattern.IsMatch(items[i]))
            {
                return false;
            }

            // Lists hold a handful of entries (at most MaxItems): comparing pairs beats building a set.
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(items[i], items[j], StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Vietnamese diacritics arrive precomposed (letters) or decomposed (combining marks); both are valid.
    private static bool IsNameCharacter(char c) =>
        char.IsLetter(c) || c is ' ' or '\'' or '-' or '.' || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    private static bool IsAddressCharacter(char c) =>
        IsNameCharacter(c) || char.IsAsciiDigit(c) || c is ',' or '/' or '(' or ')' or '#';
}
