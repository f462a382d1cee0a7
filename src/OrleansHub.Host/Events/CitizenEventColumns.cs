using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using OrleansHub.Abstractions.Events;

namespace OrleansHub.Host.Events;

/// <summary>
/// How a citizen event and an event-log cursor map to PostgreSQL: the one place the event log, the dispatcher's checkpoint
/// and the agency feeds share, so the columns cannot drift apart.
/// </summary>
internal static class CitizenEventColumns
{
    /// <summary>
    /// Adds <paramref name="events"/> as the parallel arrays @event_ids, @citizen_ids, @sequences, @types, @occurred_at,
    /// @record_versions, @changed_fields (comma-joined) and, null but for a revoked consent, @consent_ids,
    /// @consent_agencies and @consent_purposes, for an <c>unnest(...)</c> of the batch.
    /// </summary>
    public static void AddArrays(NpgsqlCommand command, IReadOnlyList<CitizenEvent> events)
    {
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("event_ids", [.. events.Select(e => e.Id)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("citizen_ids", [.. events.Select(e => e.CitizenId)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("sequences", [.. events.Select(e => e.Sequence)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. events.Select(e => e.Type)]));
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("occurred_at", [.. events.Select(e => e.Time.UtcDateTime)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<long[]>("record_versions", [.. events.Select(e => e.RecordVersion)]));
        // Field names are [a-zA-Z]+, so a comma-joined list round-trips; a text[][] would need equal-length rows.
        command.Parameters.Add(new NpgsqlParameter<string[]>("changed_fields", [.. events.Select(e => string.Join(',', e.ChangedFields))]));
        command.Parameters.Add(new NpgsqlParameter<Guid?[]>("consent_ids", [.. events.Select(e => e.Consent?.ConsentId)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("consent_agencies", [.. events.Select(e => e.Consent?.AgencyCode)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("consent_purposes", [.. events.Select(e => e.Consent?.Purpose)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
    }

    /// <summary>The event in columns event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields from <paramref name="first"/> on.</summary>
    public static CitizenEvent ReadEvent(DbDataReader reader, int first) => new(
        reader.GetGuid(first),
        reader.GetString(first + 1),
        reader.GetInt64(first + 2),
        reader.GetString(first + 3),
        new DateTimeOffset(reader.GetDateTime(first + 4), TimeSpan.Zero),
        reader.GetInt64(first + 5),
        reader.GetFieldValue<string[]>(first + 6));

    /// <summary>The consent of a consent-revoked event in columns consent_id, consent_agency, consent_purpose from <paramref name="first"/> on, or null.</summary>
    public static ConsentNotice? ReadConsent(DbDataReader reader, int first) =>
        reader.IsDBNull(first) ? null : new(reader.GetGuid(first), reader.GetString(first + 1), reader.GetString(first + 2));

    /// <summary>The cursor in columns <c>tx::text</c>, position from <paramref name="first"/> on (xid8 has no Npgsql type: it travels as text).</summary>
    public static EventCursor ReadCursor(DbDataReader reader, int first) =>
        new(ulong.Parse(reader.GetString(first), CultureInfo.InvariantCulture), reader.GetInt64(first + 1));

    /// <summary>Adds <paramref name="cursor"/> as @tx (text, cast in SQL with <c>@tx::text::xid8</c>) and @position.</summary>
    public static void AddCursor(NpgsqlCommand command, EventCursor cursor)
    {
        command.Parameters.AddWithValue("tx", cursor.Transaction.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("position", cursor.Position);
    }
}
