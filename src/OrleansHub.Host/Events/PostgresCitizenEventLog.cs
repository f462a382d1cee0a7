using Npgsql;
using NpgsqlTypes;
using OrleansHub.Abstractions.Events;

namespace OrleansHub.Host.Events;

/// <summary>The event log in PostgreSQL (table <c>citizen_events</c>, migration 0007).</summary>
public sealed class PostgresCitizenEventLog(NpgsqlDataSource dataSource) : ICitizenEventLog
{
    // One statement for the whole relay: the events go in together, in the order given, or not at all.
    private const string Insert = """
        INSERT INTO citizen_events (event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields)
        SELECT e.event_id, e.citizen_id, e.sequence, e.type, e.occurred_at, e.record_version, string_to_array(e.changed_fields, ',')
        FROM unnest(@event_ids, @citizen_ids, @sequences, @types, @occurred_at, @record_versions, @changed_fields) WITH ORDINALITY
             AS e(event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields, ord)
        ORDER BY e.ord
        ON CONFLICT (event_id) DO NOTHING
        """;

    public async Task AppendAsync(IReadOnlyList<CitizenEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(Insert);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("event_ids", [.. events.Select(e => e.Id)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("citizen_ids", [.. events.Select(e => e.CitizenId)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("sequences", [.. events.Select(e => e.Sequence)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. events.Select(e => e.Type)]));
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("occurred_at", [.. events.Select(e => e.Time.UtcDateTime)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<long[]>("record_versions", [.. events.Select(e => e.RecordVersion)]));
        // Field names are [a-zA-Z]+, so a comma-joined list round-trips; a text[][] would need equal-length rows.
        command.Parameters.Add(new NpgsqlParameter<string[]>("changed_fields", [.. events.Select(e => string.Join(',', e.ChangedFields))]));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadAsync(EventCursor after, int limit, string? type, CancellationToken cancellationToken)
    {
        // Only transactions older than every running one: see 0007_citizen_events.sql for why.
        await using var command = dataSource.CreateCommand("""
            SELECT tx::text, position, event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields
            FROM citizen_events
            WHERE (tx, position) > (@tx::text::xid8, @position)
              AND tx < pg_snapshot_xmin(pg_current_snapshot())
              AND (@type::text IS NULL OR type = @type)
            ORDER BY tx, position
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("tx", after.Transaction.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("position", after.Position);
        command.Parameters.Add(new NpgsqlParameter<string?>("type", NpgsqlDbType.Text) { TypedValue = type });
        command.Parameters.AddWithValue("limit", limit);
        var events = new List<LoggedEvent>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var cursor = new EventCursor(ulong.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(1));
            events.Add(new LoggedEvent(cursor, new CitizenEvent(
                reader.GetGuid(2),
                reader.GetString(3),
                reader.GetInt64(4),
                reader.GetString(5),
                new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero),
                reader.GetInt64(7),
                reader.GetFieldValue<string[]>(8))));
        }

        return events;
    }
}
