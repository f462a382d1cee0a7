using System.Text.RegularExpressions;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Consents;
using OrleansHub.Grains.Citizens;

namespace OrleansHub.Grains.Lookups;

/// <summary>Why an agency was not given what it asked for. Each has its own problem type at the HTTP edge.</summary>
public enum AccessDenial
{
    None = 0,
    AgencySuspended,
    PurposeNotInAgreement,
    FieldNotInAgreement,
    ConsentRequired,
    ConsentExpired,
    CitizenUnknown,
}

/// <summary>
/// The decisions on an agency's request that need no citizen data: is the request well formed, and does the agency's
/// agreement cover its purpose and fields. Then how consent narrows the fields. Pure, so each rule is tested on its own.
/// </summary>
public static partial class AccessRules
{
    /// <summary>Most fields one request may name (the record has fewer; the cap bounds work on hostile input).</summary>
    public const int MaxFields = 64;

    [GeneratedRegex("^[a-z0-9-]{2,40}\\z")]
    private static partial Regex PurposePattern();

    /// <summary>Structural errors of the fields and purpose of a request, each naming the member it concerns.</summary>
    public static List<FieldError> ValidateQuestion(IReadOnlyList<string> fields, string purpose, string fieldsMember = "fields", bool fieldsRequired = true)
    {
        var errors = new List<FieldError>();
        if (!PurposePattern().IsMatch(purpose))
        {
            errors.Add(new("purpose", "Must be a purpose code of 2 to 40 lowercase letters, digits or hyphens, as in the agency's agreement."));
        }

        if (fields.Count == 0 && fieldsRequired)
        {
            errors.Add(new(fieldsMember, "Name at least one field."));
        }
        else if (fields.Count > MaxFields)
        {
            errors.Add(new(fieldsMember, $"Name at most {MaxFields} fields."));
            return errors;
        }

        for (var i = 0; i < fields.Count; i++)
        {
            // JSON allows null inside an array even where the element type is not nullable.
            if (fields[i] is null || !FieldCatalog.Fields.ContainsKey(fields[i]))
            {
                errors.Add(new($"{fieldsMember}[{i}]", "Not a citizen field name."));
            }
            else if (NamedBefore(fields, i))
            {
                errors.Add(new($"{fieldsMember}[{i}]", "The field is named more than once."));
            }
        }

        return errors;
    }

    /// <summary>
    /// Whether <c>fields[i]</c> occurs earlier in the list. A scan, not a set: at most <see cref="MaxFields"/> names, and a
    /// lookup names about five, so no set is allocated on every request.
    /// </summary>
    private static bool NamedBefore(IReadOnlyList<string> fields, int i)
    {
        for (var j = 0; j < i; j++)
        {
            if (string.Equals(fields[j], fields[i], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the agency's agreement covers the request; on a field denial, the fields it does not cover.</summary>
    public static (AccessDenial Denial, IReadOnlyList<string> Outside) CheckAgreement(AgencyPolicy agency, string purpose, IReadOnlyList<string> fields)
    {
        if (!agency.IsActive)
        {
            return (AccessDenial.AgencySuspended, []);
        }

        if (!agency.AllowsPurpose(purpose))
        {
            return (AccessDenial.PurposeNotInAgreement, []);
        }

        // A loop, not LINQ: the agreed case (every request that is answered) allocates nothing.
        List<string>? outside = null;
        for (var i = 0; i < fields.Count; i++)
        {
            if (!agency.AllowsField(fields[i]))
            {
                (outside ??= []).Add(fields[i]);
            }
        }

        return outside is not null ? (AccessDenial.FieldNotInAgreement, outside) : (AccessDenial.None, []);
    }

    /// <summary>How the citizen's consent decision narrows an agreed request: the denial when it covers none of the fields.</summary>
    public static AccessDenial FromConsent(ConsentDecision decision) => decision switch
    {
        { Refusal: ConsentRefusal.Expired } => AccessDenial.ConsentExpired,
        { Refusal: ConsentRefusal.NoConsent } or { AllowedFields.Count: 0 } => AccessDenial.ConsentRequired,
        _ => AccessDenial.None,
    };
}
