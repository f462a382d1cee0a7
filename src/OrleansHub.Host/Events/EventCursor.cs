using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OrleansHub.Host.Events;

/// <summary>
/// A place in the event log: the appending transaction and the position within the log. Written for clients as the opaque
/// string <c>{transaction}.{position}</c>; <see cref="Start"/> (<c>0.0</c>) is before every event.
/// </summary>
public readonly record struct EventCursor(ulong Transaction, long Position)
{
    public static readonly EventCursor Start = new(0, 0);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Transaction}.{Position}");

    /// <summary>Parses what <see cref="ToString"/> wrote; anything else (signs, spaces, extra parts, overflow) is refused.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out EventCursor? cursor)
    {
        cursor = null;
        var dot = text?.IndexOf('.') ?? -1;
        if (text is null || dot <= 0 || dot > 20 || text.Length - dot - 1 is <= 0 or > 19)
        {
            return false;
        }

        if (ulong.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var transaction) &&
            long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            cursor = new EventCursor(transaction, position);
            return true;
        }

        return false;
    }
}
