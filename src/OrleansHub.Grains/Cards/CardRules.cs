using System.Text.RegularExpressions;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Citizens;

namespace OrleansHub.Grains.Cards;

/// <summary>Rules for card numbers and issue requests, and how a stored card reads on a given day. Pure.</summary>
public static partial class CardRules
{
    /// <summary>Whether <paramref name="number"/> is a well-formed card number (9 to 12 upper-case letters or digits).</summary>
    public static bool IsCardNumber(string? number) => number is not null && CardNumber().IsMatch(number);

    /// <summary>Lists every rule an issue request breaks.</summary>
    public static IReadOnlyList<FieldError> Validate(CardIssue issue, DateOnly today)
    {
        var errors = new List<FieldError>();
        if (issue.IssuedOn > today)
        {
            errors.Add(new("issuedOn", "A card cannot be issued in the future."));
        }

        if (issue.IssuedOn.Year < issue.CitizenId.BirthYear + 14)
        {
            errors.Add(new("issuedOn", "Cards are issued from the age of 14."));
        }

        if (issue.ExpiresOn is { } expires && expires <= issue.IssuedOn)
        {
            errors.Add(new("expiresOn", "Must be after the issue date."));
        }

        if (CitizenValidator.CheckValue(CitizenFieldNames.CardIssuedBy, FieldInput.Of(issue.IssuedBy)) is { } issuer)
        {
            errors.Add(issuer with { Field = "issuedBy" });
        }

        return errors;
    }

    /// <summary>The status a card has on <paramref name="today"/>: a valid card past its expiry date is expired.</summary>
    public static CardStatus StatusOn(CardState state, DateOnly today) => state switch
    {
        { Card: null } => CardStatus.Unknown,
        { Status: CardStatus.Valid, Card.ExpiresOn: { } expires } when expires < today => CardStatus.Expired,
        _ => state.Status,
    };

    [GeneratedRegex("^[0-9A-Z]{9,12}\\z")]
    private static partial Regex CardNumber();
}
