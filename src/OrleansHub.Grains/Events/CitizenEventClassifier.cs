using System.Collections.Frozen;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;
using T = OrleansHub.Abstractions.Events.CitizenEventTypes;

namespace OrleansHub.Grains.Events;

/// <summary>
/// Which events one accepted change produces: one per kind of change it contains, each listing its own changed fields, so a
/// pension fund following deaths is not sent every address change. Fields of no specific kind go in one
/// <see cref="CitizenEventTypes.RecordChanged"/> event.
/// <para>
/// A record's creation produces no event, whatever the new record holds (a date of death or a card included): nobody can
/// have subscribed to a citizen before the record exists, and a bulk load of the population, its dead included, is not
/// news to anyone. Every later accepted change does (<see cref="CitizenChange"/> plans a creation as
/// <see cref="ChangeKind.Created"/> even when it records a death).
/// </para>
/// </summary>
public static class CitizenEventClassifier
{
    private static readonly FrozenDictionary<string, string> TypeByField = new Dictionary<string, string>
    {
        [F.PermanentResidence] = T.ResidenceChanged,
        [F.ResidenceProvince] = T.ResidenceChanged,
        [F.CurrentResidence] = T.ResidenceChanged,
        [F.TemporaryResidence] = T.ResidenceChanged,
        [F.MaritalStatus] = T.CivilStatusChanged,
        [F.SpouseId] = T.CivilStatusChanged,
        [F.SpouseName] = T.CivilStatusChanged,
        [F.FullName] = T.NameCorrected,
        [F.OtherNames] = T.NameCorrected,
        [F.DateOfDeath] = T.DeathRecorded,
        [F.HealthInsuranceNumber] = T.DocumentChanged,
        [F.SocialInsuranceNumber] = T.DocumentChanged,
        [F.TaxCode] = T.DocumentChanged,
        [F.DrivingLicences] = T.DocumentChanged,
        [F.VehicleRegistrations] = T.DocumentChanged,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> CardFields =
        new[] { F.CardNumber, F.CardIssuedOn, F.CardExpiresOn, F.CardIssuedBy, F.CardStatus, F.EIdStatus }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The fields an event of <paramref name="type"/> can name; null for <see cref="CitizenEventTypes.RecordChanged"/> (any field of no other kind).</summary>
    public static IReadOnlyList<string>? FieldsOf(string type) => type switch
    {
        T.RecordChanged => null,
        T.CardIssued or T.CardReportedLost or T.CardRevoked or T.CardExpired => [.. CardFields.Order(StringComparer.Ordinal)],
        T.DeathRecorded => [.. CardFields.Append(F.DateOfDeath).Order(StringComparer.Ordinal)],
        _ => [.. TypeByField.Where(f => f.Value == type).Select(f => f.Key).Order(StringComparer.Ordinal)],
    };

    /// <summary>The event types and their fields for a change of <paramref name="kind"/> to <paramref name="changedFields"/>, in a stable order.</summary>
    public static IReadOnlyList<(string Type, IReadOnlyList<string> Fields)> Classify(ChangeKind kind, IReadOnlyList<string> changedFields)
    {
        if (kind == ChangeKind.Created)
        {
            return [];
        }

        var consequenceType = kind switch
        {
            ChangeKind.DeathRecorded => T.DeathRecorded,
            ChangeKind.CardIssued => T.CardIssued,
            ChangeKind.CardReportedLost => T.CardReportedLost,
            ChangeKind.CardRevoked => T.CardRevoked,
            ChangeKind.CardExpired => T.CardExpired,
            _ => null,
        };

        var byType = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var field in changedFields.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var type = consequenceType is not null && CardFields.Contains(field) ? consequenceType : TypeByField.GetValueOrDefault(field, T.RecordChanged);
            if (!byType.TryGetValue(type, out var fields))
            {
                byType[type] = fields = [];
            }

            fields.Add(field);
        }

        return [.. byType.Select(t => (t.Key, (IReadOnlyList<string>)t.Value))];
    }
}
