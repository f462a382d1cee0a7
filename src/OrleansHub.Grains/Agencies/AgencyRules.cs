using System.Globalization;
using System.Text.RegularExpressions;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Citizens;

namespace OrleansHub.Grains.Agencies;

/// <summary>Rules for agency codes and definitions. Pure: every rule is tested without a cluster.</summary>
public static partial class AgencyRules
{
    public const int MinNameLength = 2;
    public const int MaxNameLength = 200;
    public const int MaxPurposes = 50;

    /// <summary>The longest grace period a rotation may leave the old key working for.</summary>
    public static readonly TimeSpan MaxRotationGrace = TimeSpan.FromDays(30);

    /// <summary>Whether <paramref name="code"/> is a well-formed agency code: 2 to 16 upper-case ASCII letters or digits.</summary>
    public static bool IsCode(string? code) => code is not null && Code().IsMatch(code);

    /// <summary>Whether <paramref name="purpose"/> is a well-formed purpose code: 2 to 40 lower-case letters, digits or hyphens.</summary>
    public static bool IsPurpose(string? purpose) => purpose is not null && Purpose().IsMatch(purpose);

    /// <summary>Lists every rule <paramref name="definition"/> breaks; empty when it may be stored.</summary>
    public static IReadOnlyList<FieldError> Validate(AgencyDefinition definition)
    {
        var errors = new List<FieldError>();
        CheckName(definition.Name, errors);

        if (!Enum.IsDefined(definition.Kind))
        {
            errors.Add(new("kind", "Must be state or commercial."));
        }

        if (!Enum.IsDefined(definition.Status))
        {
            errors.Add(new("status", "Must be active or suspended."));
        }

        CheckList("fields", definition.Fields, field => FieldCatalog.Fields.ContainsKey(field),
            "Not a citizen field name (see the field catalogue).", "field", errors);
        CheckList("purposes", definition.Purposes, IsPurpose,
            "A purpose is a code of 2 to 40 lower-case letters, digits or hyphens, e.g. kyc-onboarding.", "purpose", errors);
        if (definition.Purposes is { Count: > MaxPurposes })
        {
            errors.Add(new("purposes", $"At most {MaxPurposes} purposes."));
        }

        // Law 91/2025: only a state body acting within its mandate may receive data without the citizen's consent.
        if (definition.Kind == AgencyKind.Commercial && !definition.RequiresConsent)
        {
            errors.Add(new("requiresConsent", "Must be true for a commercial agency: banks, telecoms and insurers need the citizen's consent."));
        }

        return errors;
    }

    private static void CheckName(string? name, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new("name", "Required."));
            return;
        }

        if (name.Length is < MinNameLength or > MaxNameLength)
        {
            errors.Add(new("name", $"Must be {MinNameLength} to {MaxNameLength} characters."));
        }

        if (name != name.Trim() || name.Contains("  ", StringComparison.Ordinal))
        {
            errors.Add(new("name", "Must not start or end with spaces or hold two spaces in a row."));
        }

        if (!name.All(IsNameCharacter))
        {
            errors.Add(new("name", "May hold only letters (with any diacritics), digits, spaces and . , & ' ( ) - /"));
        }
    }

    private static bool IsNameCharacter(char c) =>
        char.IsLetterOrDigit(c) || c is ' ' or '.' or ',' or '&' or '\'' or '(' or ')' or '-' or '/'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    private static void CheckList(string member, IReadOnlyList<string>? items, Func<string, bool> isValid, string invalidMessage, string noun, List<FieldError> errors)
    {
        if (items is null || items.Count == 0)
        {
            errors.Add(new(member, $"At least one {noun} is required."));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null || !isValid(item))
            {
                errors.Add(new($"{member}[{i}]", invalidMessage));
            }
            else if (!seen.Add(item))
            {
                errors.Add(new($"{member}[{i}]", $"Duplicate {noun}; each may appear once."));
            }
        }
    }

    [GeneratedRegex("^[A-Z0-9]{2,16}\\z")]
    private static partial Regex Code();

    [GeneratedRegex("^[a-z0-9-]{2,40}\\z")]
    private static partial Regex Purpose();
}
