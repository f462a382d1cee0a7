using Npgsql;
using OrleansHub.Abstractions.Events;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>
/// The feeds in PostgreSQL (migration 0008). A dispatch runs only while its transaction holds an advisory lock, so
/// dispatches never overlap: feed positions commit in increasing order, and an agency's cursor never skips an item.
/// </summary>
public sealed class PostgresAgencyFeedStore(NpgsqlDataSource dataSource) : IAgencyFeedStore
{
    /// <summary>The channel each silo listens on; the payload is the agency code whose feed grew.</summary>
    public const string NotificationChannel = "agency_feed";

    private const long DispatchLockKey = 0x4f48_4556_454e_5453; // "OHEVENTS"

    public async Task<DispatchResult?> DispatchNextAsync(int limit, CancellationToken cancellationToken)
    {
        // One transaction per dispatch, the log read included: a silo that finds the turn taken stops there, and a
        // dispatch costs PostgreSQL one commit (measured under a PATCH load: the separate read was a quarter of the
        // event pipeline's transactions). The turn, the checkpoint and the events after it go in one round trip, as three
        // statements: each takes its snapshot when it starts, after the lock is held, so it sees the checkpoint of the
        // dispatch that held the turn before.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        EventCursor checkpoint;
        IReadOnlyList<LoggedEvent> batch;
        await using (var turn = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("SELECT pg_try_advisory_xact_lock(@key)"),
                new("SELECT tx::text, position FROM event_dispatch"),
                new(PostgresCitizenEventLog.ReadSql("(SELECT tx, position FROM event_dispatch)")),
            },
        })
        {
            turn.BatchCommands[0].Parameters.AddWithValue("key", DispatchLockKey);
            PostgresCitizenEventLog.AddReadParameters(turn.BatchCommands[2].Parameters, limit, type: null);
            await using var reader = await turn.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.GetBoolean(0))
            {
                return null;
            }

            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            checkpoint = CitizenEventColumns.ReadCursor(reader, 0);
            await reader.NextResultAsync(cancellationToken);
            batch = await PostgresCitizenEventLog.ReadEventsAsync(reader, limit, cancellationToken);
        }

        if (batch.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return new DispatchResult(checkpoint, [], []);
        }

        var grown = new List<string>();
        await using (var fanOut = new NpgsqlCommand("""
            WITH batch AS (
                SELECT * FROM unnest(@ordinals, @event_ids, @citizen_ids, @sequences, @types, @occurred_at, @record_versions, @changed_fields,
                                     @consent_ids, @consent_agencies, @consent_purposes)
                    AS b(ordinal, event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields, consent_id, consent_agency, consent_purpose)
            ),
            recipients AS (
                -- An agency following the citizen and the event type population-wide gets the event once (the citizen
                -- subscription's purpose wins). A revoked consent goes to its agency alone, followed or not.
                SELECT DISTINCT ON (b.ordinal, r.agency_code) b.*, r.agency_code, r.purpose
                FROM batch b
                JOIN LATERAL (
                    SELECT s.agency_code, s.purpose, 0 AS rank FROM citizen_subscriptions s
                    WHERE b.consent_agency IS NULL
                      AND s.citizen_id = b.citizen_id AND (cardinality(s.event_types) = 0 OR b.type = ANY (s.event_types))
                    UNION ALL
                    SELECT p.agency_code, p.purpose, 1 FROM population_subscriptions p WHERE b.consent_agency IS NULL AND p.event_type = b.type
                    UNION ALL
                    SELECT b.consent_agency, b.consent_purpose, 2 WHERE b.consent_agency IS NOT NULL
                ) r ON true
                ORDER BY b.ordinal, r.agency_code, r.rank
            ),
            inserted AS (
                INSERT INTO agency_feed (agency_code, purpose, event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields, consent_id)
                SELECT agency_code, purpose, event_id, citizen_id, sequence, type, occurred_at, record_version, string_to_array(changed_fields, ','), consent_id
                FROM recipients
                ORDER BY ordinal, agency_code
                ON CONFLICT (agency_code, event_id) DO NOTHING
                RETURNING agency_code
            )
            SELECT DISTINCT agency_code FROM inserted
            """, connection, transaction))
        {
            fanOut.Parameters.Add(new NpgsqlParameter<int[]>("ordinals", [.. Enumerable.Range(0, batch.Count)]));
            CitizenEventColumns.AddArrays(fanOut, [.. batch.Select(b => b.Event)]);
            await using var reader = await fanOut.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                grown.Add(reader.GetString(0));
            }
        }

        var last = batch[^1].Cursor;
        await using (var advance = new NpgsqlCommand("UPDATE event_dispatch SET tx = @tx::text::xid8, position = @position", connection, transaction))
        {
            CitizenEventColumns.AddCursor(advance, last);
            await advance.ExecuteNonQueryAsync(cancellationToken);
        }

        if (grown.Count > 0)
        {
            // Delivered to every listening silo when the transaction commits. One statement for all the agencies: one round
            // trip per agency kept the dispatch lock (and so the next dispatch) waiting for as many round trips.
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, agency) FROM unnest(@agencies) AS agency", connection, transaction);
            notify.Parameters.AddWithValue("channel", NotificationChannel);
            notify.Parameters.Add(new NpgsqlParameter<string[]>("agencies", [.. grown]));
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new DispatchResult(last, batch, grown);
    }

    public async Task<FeedPage> ReadAsync(string agencyCode, long after, int limit, CancellationToken cancellationToken)
    {
        // One round trip (every woken long-poll and stream reads here): the retention floor, then the page, which is read
        // only when the cursor is not older than the floor.
        await using var command = dataSource.CreateCommand("""
            SELECT r.pruned_through, f.feed_position, f.purpose, f.event_id, f.citizen_id, f.sequence, f.type, f.occurred_at, f.record_version, f.changed_fields, f.consent_id
            FROM feed_retention r
            LEFT JOIN LATERAL (
                SELECT * FROM agency_feed
                WHERE agency_code = @agency AND feed_position > @after AND @after >= r.pruned_through
                ORDER BY feed_position
                LIMIT @limit
            ) f ON true
            ORDER BY f.feed_position
            """);
        command.Parameters.AddWithValue("agency", agencyCode);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", limit);
        var items = new List<FeedItem>();
        long prunedThrough = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            prunedThrough = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                var e = CitizenEventColumns.ReadEvent(reader, 3);
                if (!reader.IsDBNull(10))
                {
                    e = e with { Consent = new ConsentNotice(reader.GetGuid(10), agencyCode, reader.GetString(2)) };
                }

                items.Add(new FeedItem(reader.GetInt64(1), reader.GetString(2), e));
            }
        }

        return after < prunedThrough ? new FeedPage([], prunedThrough) : new FeedPage(items, null);
    }

    public async Task<long> LatestPositionAsync(CancellationToken cancellationToken)
    {
        // Dispatches commit one at a time in position order, so anything fanned out later gets a larger position.
        await using var command = dataSource.CreateCommand(
            "SELECT greatest((SELECT max(feed_position) FROM agency_feed), (SELECT pruned_through FROM feed_retention))");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        // Positions grow with fed_at (one dispatcher), so this deletes a prefix of every feed.
        await using var command = dataSource.CreateCommand("""
            WITH deleted AS (DELETE FROM agency_feed WHERE fed_at < @before RETURNING feed_position),
                 summary AS (SELECT count(*) AS n, max(feed_position) AS through FROM deleted),
                 floor AS (UPDATE feed_retention SET pruned_through = greatest(pruned_through, (SELECT through FROM summary))
                           WHERE (SELECT through FROM summary) IS NOT NULL)
            SELECT n FROM summary
            """);
        command.Parameters.AddWithValue("before", before);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
