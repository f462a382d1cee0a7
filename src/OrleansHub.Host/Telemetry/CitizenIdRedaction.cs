using System.Text.RegularExpressions;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// The one rule for keeping personal ID numbers out of telemetry: every run of exactly 12 digits is replaced with
/// <see cref="Placeholder"/>, and the key of a card grain (<c>card/CC0123456789</c>, the ID card's number, which has no
/// shape of its own to find it by elsewhere) with <see cref="CardPlaceholder"/>. Used for console logs
/// (<see cref="RedactingLoggerProvider"/>) and exported spans (<see cref="RedactingActivityProcessor"/>).
/// </summary>
public static partial class CitizenIdRedaction
{
    public const string Placeholder = "[citizen-id]";

    public const string CardPlaceholder = "card/[card-number]";

    /// <summary>Whether <paramref name="text"/> holds a 12-digit run or a card grain's key.</summary>
    public static bool Finds(string text) => CitizenId().IsMatch(text) || CardGrain().IsMatch(text);

    /// <summary><paramref name="text"/> with every 12-digit run and card grain key replaced; the same instance when there is none.</summary>
    public static string Redact(string text)
    {
        if (!Finds(text))
        {
            return text;
        }

        return CardGrain().Replace(CitizenId().Replace(text, Placeholder), CardPlaceholder);
    }

    // Exactly 12 digits: not part of a longer number (ticks, card numbers are letters-and-digits, ports are shorter).
    [GeneratedRegex(@"(?<![0-9])[0-9]{12}(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex CitizenId();

    // Orleans names a grain by type and key: the card grain's key is the card number (CardRules: 9 to 12 of A-Z, 0-9).
    [GeneratedRegex(@"(?<![A-Za-z])card/[0-9A-Z]{9,12}(?![0-9A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex CardGrain();
}
