using System.Text.RegularExpressions;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// The one rule for keeping personal ID numbers out of telemetry: every run of exactly 12 digits is replaced with
/// <see cref="Placeholder"/>. Used for console logs (<see cref="RedactingLoggerProvider"/>) and exported spans
/// (<see cref="RedactingActivityProcessor"/>).
/// </summary>
public static partial class CitizenIdRedaction
{
    public const string Placeholder = "[citizen-id]";

    /// <summary>Whether <paramref name="text"/> holds a 12-digit run.</summary>
    public static bool Finds(string text) => CitizenId().IsMatch(text);

    /// <summary><paramref name="text"/> with every 12-digit run replaced; the same instance when there is none.</summary>
    public static string Redact(string text) => Finds(text) ? CitizenId().Replace(text, Placeholder) : text;

    // Exactly 12 digits: not part of a longer number (ticks, card numbers are letters-and-digits, ports are shorter).
    [GeneratedRegex(@"(?<![0-9])[0-9]{12}(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex CitizenId();
}
