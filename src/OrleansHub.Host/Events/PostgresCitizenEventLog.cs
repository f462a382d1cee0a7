using Npgsql;
using NpgsqlTypes;
using OrleansHub.Abstractions.Events;

namespace OrleansHub.Host.Events;

/// <summary>
/// The event log in PostgreSQL (table <c>citizen_events</c>, migrations 0007 and 0013). The registry's write path does
/// not append here: the registry storage writes each change's events in the transaction of the change itself.
/// </summary>
public sealed class PostgresCitizenEventLog(NpgsqlDataSource dataSource) : ICitizenEventLog
{
    // One statement: the events go in together, in the order given, or not at all. For tools and tests: the check for an
    // event already logged reads every partition (the log keeps no index on event_id), so this is not a write path.
    private const string Insert = """
        INSERT INTO citizen_events (event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields, consent_id, consent_agency, consent_purpose)
        SELECT e.event_id, e.citizen_id, e.sequence, e.type, e.occurred_at, e.record_version, string_to_array(e.changed_fields, ','),
               e.consent_id, e.consent_agency, e.consent_purpose
        FROM unnest(@event_ids, @citizen_ids, @sequences, @types, @occurred_at, @record_versions, @changed_fields, @consent_ids, @consent_agencies, @consent_purposes)
             WITH ORDINALITY
             AS e(event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields, consent_id, consent_agency, consent_purpose, ord)
        WHERE NOT EXISTS (SELECT 1 FROM citizen_events c WHERE c.event_id = e.event_id)
        ORDER BY e.ord
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
        await using var command = dataSource.CreateCommand(ReadSql("(@tx::text::xid8, @position)"));
        CitizenEventColumns.AddCursor(command, after);
        AddReadParameters(command.Parameters, limit, type);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadEventsAsync(reader, limit, cancellationToken);
    }

    /// <summary>
    /// The log read after <paramref name="after"/>, a row of (tx, position) in SQL: a cursor's parameters, or the dispatcher's
    /// checkpoint read in the same statement. Only transactions older than every running one: see 0007_citizen_events.sql.
    /// </summary>
    internal static string ReadSql(string after) => $"""
        SELECT tx::text, position, event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields,
               consent_id, consent_agency, consent_purpose
        FROM citizen_events
        WHERE (tx, position) > {after}
          AND tx < pg_snapshot_xmin(pg_current_snapshot())
          AND (@type::text IS NULL OR type = @type)
        ORDER BY tx, position
        LIMIT @limit
        """;

    internal static void AddReadParameters(NpgsqlParameterCollection parameters, int limit, string? type)
    {
        parameters.Add(new NpgsqlParameter<string?>("type", NpgsqlDbType.Text) { TypedValue = type });
        parameters.AddWithValue("limit", limit);
    }

    /// <summary>The events of a <see cref="ReadSql"/> result, at the reader's current result set.</summary>
    internal static async Task<IReadOnlyList<LoggedEvent>> ReadEventsAsync(NpgsqlDataReader reader, int limit, CancellationToken cancellationToken)
    {
        var events = new List<LoggedEvent>(limit);
        while (await reader.ReadAsync(cancellationToken))
        {
            var e = CitizenEventColumns.ReadEvent(reader, 2) with { Consent = CitizenEventColumns.ReadConsent(reader, 9) };
            events.Add(new LoggedEvent(CitizenEventColumns.ReadCursor(reader, 0), e));
        }

        return events;
    }
}
