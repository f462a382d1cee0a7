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
        CitizenEventColumns.AddArrays(command, events);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LoggedEvent>> ReadAsync(EventCursor after, int limit, string? type, CancellationToken cancellationToken)
    {
        // Only transactions older than every running one that may still append: see 0007_citizen_events.sql for why a
        // cursor needs that, and 0009_citizen_event_appenders.sql for why a running transaction that holds a transaction ID
        // but not the appenders' lock can be passed. pg_locks is one consistent picture taken after this statement's
        // snapshot: a transaction running then without the lock never appends; one that ended meanwhile is still waited for.
        await using var command = dataSource.CreateCommand("""
            WITH snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
            passable AS MATERIALIZED (
                SELECT t.transactionid
                FROM pg_locks t
                WHERE t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock'
                  AND NOT EXISTS (
                      SELECT 1 FROM pg_locks a
                      WHERE a.locktype = 'advisory' AND a.virtualtransaction = t.virtualtransaction
                        AND a.classid = 1330135376 AND a.objid = 1346719300 AND a.objsubid = 1)
            ),
            horizon AS (
                SELECT coalesce(
                    (SELECT min(x) FROM snapshot, pg_snapshot_xip(s) AS x
                     WHERE NOT EXISTS (SELECT 1 FROM passable p WHERE p.transactionid = x::xid)),
                    (SELECT pg_snapshot_xmax(s) FROM snapshot)) AS h
            )
            SELECT tx::text, position, event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields
            FROM citizen_events
            WHERE (tx, position) > (@tx::text::xid8, @position)
              AND tx < (SELECT h FROM horizon)
              AND (@type::text IS NULL OR type = @type)
            ORDER BY tx, position
            LIMIT @limit
            """);
        CitizenEventColumns.AddCursor(command, after);
        command.Parameters.Add(new NpgsqlParameter<string?>("type", NpgsqlDbType.Text) { TypedValue = type });
        command.Parameters.AddWithValue("limit", limit);
        var events = new List<LoggedEvent>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new LoggedEvent(CitizenEventColumns.ReadCursor(reader, 0), CitizenEventColumns.ReadEvent(reader, 2)));
        }

        return events;
    }
}
