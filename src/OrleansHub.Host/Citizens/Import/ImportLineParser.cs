using System.Globalization;
using System.Text.Json;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Cards;
using OrleansHub.Grains.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Host.Citizens.Import;

/// <summary>Turns one NDJSON object or CSV row into an <see cref="ImportLine"/>, listing every problem found.</summary>
public static class ImportLineParser
{
    public const string IdMember = "id";
    public const string CardMember = "card";

    /// <summary>CSV columns that describe the card rather than a citizen field.</summary>
    public static readonly IReadOnlyList<string> CardColumns = [F.CardNumber, F.CardIssuedOn, F.CardExpiresOn, F.CardIssuedBy];

    /// <summary>Parses an NDJSON line: the citizen's fields, <c>id</c>, and an optional <c>card</c> object.</summary>
    public static ImportLine FromJson(long number, JsonElement line)
    {
        if (line.ValueKind != JsonValueKind.Object)
        {
            return ImportLine.Rejected(number, null, new FieldError("$", "Each line must be one JSON object."));
        }

        var id = line.TryGetProperty(IdMember, out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
        var (changes, errors) = FieldJson.ReadChanges(line, name => name is IdMember or CardMember);
        CardSummary? card = null;
        if (line.TryGetProperty(CardMember, out var cardValue) && cardValue.ValueKind != JsonValueKind.Null)
        {
            card = cardValue.ValueKind == JsonValueKind.Object
                ? ReadCard(Member(cardValue, "number"), Member(cardValue, "issuedOn"), Member(cardValue, "expiresOn"), Member(cardValue, "issuedBy"), id, errors, "card.")
                : Error(errors, "card", "Must be an object with number, issuedOn, expiresOn and issuedBy, or null.");
        }

        return Build(number, id, changes, card, errors);
    }

    /// <summary>Parses a CSV row given as column → cell; empty cells are null, list fields are split on <c>|</c>.</summary>
    public static ImportLine FromCsv(long number, IReadOnlyList<(string Column, string Cell)> row)
    {
        string? id = null;
        var cardCells = new Dictionary<string, string?>(StringComparer.Ordinal);
        var changes = new Dictionary<string, FieldInput>(StringComparer.Ordinal);
        var errors = new List<FieldError>();
        foreach (var (column, cell) in row)
        {
            var value = cell.Length == 0 ? null : cell;
            if (column == IdMember)
            {
                id = value;
            }
            else if (CardColumns.Contains(column))
            {
                cardCells[column] = value;
            }
            else if (!changes.TryAdd(column, value is null ? FieldInput.Clear
                : FieldCatalog.Fields.TryGetValue(column, out var spec) && spec.Kind == FieldKind.PatternList ? FieldInput.OfItems(value.Split('|')) : FieldInput.Of(value)))
            {
                errors.Add(new(column, "The column appears more than once."));
            }
        }

        var card = cardCells.GetValueOrDefault(F.CardNumber) is null
            ? null
            : ReadCard(cardCells[F.CardNumber], cardCells.GetValueOrDefault(F.CardIssuedOn), cardCells.GetValueOrDefault(F.CardExpiresOn), cardCells.GetValueOrDefault(F.CardIssuedBy), id, errors, "");
        return Build(number, id, changes, card, errors);
    }

    private static ImportLine Build(long number, string? id, Dictionary<string, FieldInput> changes, CardSummary? card, List<FieldError> errors)
    {
        if (!PersonalId.TryParse(id, out var personalId, out var idError))
        {
            errors.Insert(0, new(IdMember, idError));
        }

        // Shape errors are found here, so a bad line costs no grain call.
        foreach (var (field, value) in changes)
        {
            if (CitizenValidator.CheckValue(field, value) is { } error)
            {
                errors.Add(error);
            }
        }

        return errors.Count > 0
            ? new ImportLine(number, personalId, changes, null, errors)
            : new ImportLine(number, personalId, changes, card, []);
    }

    private static CardSummary? ReadCard(string? number, string? issuedOn, string? expiresOn, string? issuedBy, string? citizenId, List<FieldError> errors, string prefix)
    {
        var before = errors.Count;
        if (!CardRules.IsCardNumber(number))
        {
            errors.Add(new(prefix + (prefix.Length == 0 ? F.CardNumber : "number"), "A card number is 9 to 12 upper-case letters or digits."));
        }

        var issued = ParseDate(issuedOn);
        if (issued is null)
        {
            errors.Add(new(prefix + (prefix.Length == 0 ? F.CardIssuedOn : "issuedOn"), "Must be an ISO 8601 date such as 2021-06-01."));
        }

        var expires = ParseDate(expiresOn);
        if (expiresOn is not null && expires is null)
        {
            errors.Add(new(prefix + (prefix.Length == 0 ? F.CardExpiresOn : "expiresOn"), "Must be an ISO 8601 date, or empty for cards that do not expire."));
        }

        if (string.IsNullOrWhiteSpace(issuedBy))
        {
            errors.Add(new(prefix + (prefix.Length == 0 ? F.CardIssuedBy : "issuedBy"), "The issuing authority is required."));
        }

        return errors.Count > before || !PersonalId.TryParse(citizenId, out var holder, out _)
            ? null
            : new CardSummary(number!, holder.Value, issued!.Value, expires, issuedBy!);
    }

    private static string? Member(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateOnly? ParseDate(string? text) =>
        text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static CardSummary? Error(List<FieldError> errors, string field, string message)
    {
        errors.Add(new(field, message));
        return null;
    }
}
