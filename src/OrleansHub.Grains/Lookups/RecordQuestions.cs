using System.Globalization;
using System.Text;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Lookups;
using OrleansHub.Grains.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Lookups;

/// <summary>
/// What an agency learns from one record: the fields it may see, or yes/no answers to its claims and predicates.
/// Pure functions of the stored fields and today's date, so every rule is tested without a cluster.
/// </summary>
public static class RecordQuestions
{
    /// <summary>The requested fields the record holds, each with its provenance. A valid card past its expiry reads as expired.</summary>
    public static Dictionary<string, FieldValue> Disclose(IReadOnlyDictionary<string, FieldValue> stored, IReadOnlyList<string> fields, DateOnly today)
    {
        // Sized for the request and walked by index: one lookup allocates no enumerator and no regrown table.
        var disclosed = new Dictionary<string, FieldValue>(fields.Count, StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (stored.TryGetValue(field, out var value))
            {
                disclosed[field] = field == F.CardStatus && CardStatusOn(stored, today) is { } status && status != value.Value.Text
                    ? value with { Value = FieldInput.Of(status) }
                    : value;
            }
        }

        return disclosed;
    }

    /// <summary>The card status as of <paramref name="today"/>: expiry is a matter of date, not of an event.</summary>
    public static string? CardStatusOn(IReadOnlyDictionary<string, FieldValue> stored, DateOnly today)
    {
        var status = Text(stored, F.CardStatus);
        return status == "valid" && Text(stored, F.CardExpiresOn) is { } expires && CitizenValidator.TryParseDate(expires, out var expiresOn) && expiresOn < today
            ? "expired"
            : status;
    }

    /// <summary>Answers every claim (does the stored value equal the claimed one?) and every asked predicate.</summary>
    public static (Dictionary<string, bool> Claims, Dictionary<string, bool> Predicates) Verify(
        IReadOnlyDictionary<string, FieldValue> stored, VerificationQuestion question, DateOnly today)
    {
        var claims = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (field, claimed) in question.Claims)
        {
            claims[field] = stored.TryGetValue(field, out var value) && Matches(field == F.CardStatus ? FieldInput.Of(CardStatusOn(stored, today)!) : value.Value, claimed);
        }

        var asked = question.Predicates;
        var predicates = new Dictionary<string, bool>(StringComparer.Ordinal);
        if (asked.IsAlive)
        {
            predicates["isAlive"] = Text(stored, F.DateOfDeath) is null;
        }

        if (asked.MinimumAge is { } minimumAge)
        {
            predicates["minimumAge"] = Date(stored, F.DateOfBirth) is { } born && AgeOn(born, today) >= minimumAge;
        }

        if (asked.HoldsValidCard)
        {
            predicates["holdsValidCard"] = CardStatusOn(stored, today) == "valid";
        }

        if (asked.ResidesInProvince is { } province)
        {
            predicates["residesInProvince"] = Text(stored, F.ResidenceProvince) == province;
        }

        return (claims, predicates);
    }

    /// <summary>Whole years between <paramref name="born"/> and <paramref name="today"/> (a 29 February birthday counts on 1 March).</summary>
    public static int AgeOn(DateOnly born, DateOnly today)
    {
        var age = today.Year - born.Year;
        return (today.Month, today.Day).CompareTo((born.Month, born.Day)) < 0 ? age - 1 : age;
    }

    /// <summary>
    /// A claim matches a scalar field when both agree after Unicode normalisation (NFC), trimming, collapsing inner
    /// whitespace and ignoring case: "Nguyễn  văn An" matches "NGUYỄN VĂN AN", but "Nguyen Van An" (no diacritics) does not.
    /// A claim matches a list field (driving licences, vehicles) when it equals one of its items.
    /// </summary>
    public static bool Matches(FieldInput stored, string claimed)
    {
        var wanted = Normalize(claimed);
        return stored.Text is { } text ? Normalize(text) == wanted : stored.Items?.Any(item => Normalize(item) == wanted) == true;
    }

    private static string Normalize(string value)
    {
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.Normalize(NormalizationForm.FormC))
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }

    private static string? Text(IReadOnlyDictionary<string, FieldValue> stored, string field) =>
        stored.TryGetValue(field, out var value) ? value.Value.Text : null;

    private static DateOnly? Date(IReadOnlyDictionary<string, FieldValue> stored, string field) =>
        Text(stored, field) is { } text && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
