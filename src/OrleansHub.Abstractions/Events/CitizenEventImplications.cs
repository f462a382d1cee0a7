using System.Collections.Frozen;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Abstractions.Events;

/// <summary>
/// What an event's type tells its receiver by itself, whatever its <c>changedFields</c> show: a <c>death-recorded</c> event
/// discloses the death even to an agency that sees only the card's status. Each type lists the fields whose visibility it
/// requires; an agency that may not see every one of them (agreement and, where needed, the citizen's consent) does not
/// receive the type on any channel, and cannot subscribe to it.
/// <para>
/// The table is keyed by the type's name without its version, so a later version (<c>death-recorded.v2</c>) carries the
/// same implications; a type that is not in the table is delivered to no one (fail closed), so a renamed or new type
/// cannot leak before someone has written down what it implies.
/// </para>
/// </summary>
public static class CitizenEventImplications
{
    private const string Prefix = "vn.orleanshub.citizen.";

    /// <summary>Type name (without prefix and version) → the fields whose visibility the type requires.</summary>
    private static readonly FrozenDictionary<string, IReadOnlyList<string>> RequiredByName = new Dictionary<string, IReadOnlyList<string>>
    {
        ["residence-changed"] = [],
        ["civil-status-changed"] = [F.MaritalStatus],
        ["name-corrected"] = [],
        ["death-recorded"] = [F.DateOfDeath],
        ["card-issued"] = [F.CardNumber],
        ["card-reported-lost"] = [F.CardStatus],
        ["card-revoked"] = [F.CardStatus],
        ["card-expired"] = [F.CardStatus],
        ["document-changed"] = [],
        ["consent-revoked"] = [],
        ["record-changed"] = [],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The fields an agency must be allowed to see to receive an event of <paramref name="type"/>; null for a type the
    /// table does not know, which no agency receives.
    /// </summary>
    public static IReadOnlyList<string>? RequiredFields(string type)
    {
        var name = NameOf(type);
        return !name.IsEmpty && ByName.TryGetValue(name, out var fields) ? fields : null;
    }

    /// <summary>Whether an agency allowed to see the fields <paramref name="allows"/> accepts may receive <paramref name="type"/> at all.</summary>
    public static bool AllowsType(string type, Func<string, bool> allows) => RequiredFields(type) is { } required && required.All(allows);

    // Asked once per event and agency on every delivery: looked up by span, no substring per call.
    private static readonly FrozenDictionary<string, IReadOnlyList<string>>.AlternateLookup<ReadOnlySpan<char>> ByName =
        RequiredByName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary><c>vn.orleanshub.citizen.death-recorded.v1</c> → <c>death-recorded</c>; empty for anything not of that shape.</summary>
    private static ReadOnlySpan<char> NameOf(string type)
    {
        if (!type.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return default;
        }

        var rest = type.AsSpan(Prefix.Length);
        var dot = rest.LastIndexOf(".v", StringComparison.Ordinal);
        return dot > 0 && rest.Length > dot + 2 && !rest[(dot + 2)..].ContainsAnyExcept(Digits) ? rest[..dot] : default;
    }

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");
}
