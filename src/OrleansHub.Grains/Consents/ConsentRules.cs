using System.Globalization;
using System.Text.RegularExpressions;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Consents;
using OrleansHub.Grains.Citizens;

namespace OrleansHub.Grains.Consents;

/// <summary>Rules a new consent must meet. Pure: every broken rule is listed, and no message repeats what was sent.</summary>
public static partial class ConsentRules
{
    public const int MaxPurposeTextLength = 500;
    public const int MaxValidityYears = 5;
    public const int MaxRetentionDays = 3650;

    /// <summary>How far before now a consent may say it starts, to absorb clock differences between the app and the hub.</summary>
    public static readonly TimeSpan StartTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Whether <paramref name="code"/> is shaped like an agency code: 2 to 16 upper-case letters or digits.</summary>
    public static bool IsAgencyCode(string? code) => code is not null && AgencyCode().IsMatch(code);

    /// <summary>Whether <paramref name="purpose"/> is shaped like a purpose code: 2 to 40 lower-case letters, digits or hyphens.</summary>
    public static bool IsPurposeCode(string? purpose) => purpose is not null && PurposeCode().IsMatch(purpose);

    /// <summary>Lists every rule <paramref name="grant"/> breaks as of <paramref name="now"/>.</summary>
    public static IReadOnlyList<FieldError> Validate(ConsentGrant grant, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        if (!IsAgencyCode(grant.AgencyCode))
        {
            errors.Add(new("agencyCode", "Must be 2 to 16 upper-case letters or digits."));
        }

        if (!IsPurposeCode(grant.Purpose))
        {
            errors.Add(new("purpose", "Must be a purpose code of 2 to 40 lower-case letters, digits or hyphens."));
        }

        CheckPurposeText(grant.PurposeText, errors);
        CheckFields(grant.Fields, errors);
        CheckWindow(grant.ValidFrom, grant.ValidUntil, now, errors);

        if (grant.RetentionDays is < 0 or > MaxRetentionDays)
        {
            errors.Add(new("retentionDays", $"Must be between 0 and {MaxRetentionDays.ToString("N0", CultureInfo.InvariantCulture)} days."));
        }

        return errors;
    }

    /// <summary>
    /// What of a well-formed <paramref name="grant"/> the agency's data-sharing agreement does not cover: the agency itself
    /// when none is registered under the code, the purpose when the agreement does not name it, each field it does not
    /// list. Such a consent could never be used (an agency sees agreement ∩ consent), so it is refused rather than kept.
    /// Messages name the agreement's own codes, never what the citizen sent.
    /// </summary>
    public static IReadOnlyList<FieldError> OutsideAgreement(ConsentGrant grant, AgencyPolicy? agency)
    {
        if (agency is null)
        {
            return [new("agencyCode", "No agency is registered under this code.")];
        }

        var errors = new List<FieldError>();
        if (!agency.AllowsPurpose(grant.Purpose))
        {
            errors.Add(new("purpose", $"The agency's agreement names the purposes {string.Join(", ", agency.Definition.Purposes)}."));
        }

        for (var i = 0; i < grant.Fields.Count; i++)
        {
            if (grant.Fields[i] is { } field && !agency.AllowsField(field))
            {
                errors.Add(new($"fields[{i}]", "Not a field of the agency's agreement."));
            }
        }

        return errors;
    }

    private static void CheckPurposeText(string? text, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new("purposeText", "Must say, in words, what the agency will use the data for."));
        }
        else if (text.Length > MaxPurposeTextLength)
        {
            errors.Add(new("purposeText", $"Must be at most {MaxPurposeTextLength} characters."));
        }
        else if (text.Any(IsInvisible))
        {
            // Control and formatting characters (line breaks, bidi overrides, zero-width marks) would let a printed consent read differently from what was stored.
            errors.Add(new("purposeText", "Must not contain control or invisible formatting characters."));
        }
    }

    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c)
        is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static void CheckFields(IReadOnlyList<string?>? fields, List<FieldError> errors)
    {
        if (fields is null || fields.Count == 0)
        {
            errors.Add(new("fields", "Must name at least one citizen field."));
            return;
        }

        // Without duplicates no list is longer than the catalogue; a longer one would only make the error list long.
        if (fields.Count > FieldCatalog.Fields.Count)
        {
            errors.Add(new("fields", $"Can name at most the {FieldCatalog.Fields.Count} citizen fields, each once."));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i];
            if (name is null || !FieldCatalog.Fields.ContainsKey(name))
            {
                errors.Add(new($"fields[{i}]", "Is not a citizen field name."));
            }
            else if (!seen.Add(name))
            {
                errors.Add(new($"fields[{i}]", "Names a field already listed."));
            }
        }
    }

    private static void CheckWindow(DateTimeOffset from, DateTimeOffset until, DateTimeOffset now, List<FieldError> errors)
    {
        if (from < now - StartTolerance)
        {
            errors.Add(new("validFrom", "A consent cannot start in the past."));
        }

        if (until <= from)
        {
            errors.Add(new("validUntil", "Must be after validFrom."));
        }

        if (until <= now)
        {
            errors.Add(new("validUntil", "Must be in the future."));
        }

        if (until > from.AddYears(MaxValidityYears))
        {
            errors.Add(new("validUntil", $"A consent is valid for at most {MaxValidityYears} years from validFrom."));
        }
    }

    // \z, not $: $ also matches before a final line break.
    [GeneratedRegex("^[A-Z0-9]{2,16}\\z")]
    private static partial Regex AgencyCode();

    [GeneratedRegex("^[a-z0-9-]{2,40}\\z")]
    private static partial Regex PurposeCode();
}
