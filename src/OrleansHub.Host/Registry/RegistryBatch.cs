using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Registry;
using OrleansHub.Host.Events;

namespace OrleansHub.Host.Registry;

/// <summary>Which registry table a grain's state lives in.</summary>
internal enum RegistryKind : short
{
    Citizen = 0,
    Card = 1,
}

/// <summary>
/// One grain's write waiting for a batch: its key, the ETag it read (null: it has no row yet), its serialized state and a
/// copy of the rows the change produced. Completed with the new version once the batch committed, or with the reason it
/// did not.
/// </summary>
internal sealed class RegistryWrite(RegistryKind kind, string key, int? expectedVersion, byte[] payload, PendingRows? rows)
{
    public RegistryKind Kind { get; } = kind;

    public string Key { get; } = key;

    public int? ExpectedVersion { get; } = expectedVersion;

    public byte[] Payload { get; } = payload;

    public IReadOnlyList<ChangeEntry> History { get; } = rows is null ? [] : [.. rows.History];

    public IReadOnlyList<CitizenEvent> Events { get; } = rows is null ? [] : [.. rows.Events];

    public IReadOnlyList<CitizenEvent> LegacyOutbox { get; } = rows is null ? [] : [.. rows.LegacyOutbox];

    public IReadOnlyList<Guid> ConsentNotices { get; } = rows is null ? [] : [.. rows.ConsentNotices];

    public IReadOnlyList<CardSummary> CardExpiries { get; } = rows is null ? [] : [.. rows.CardExpiries];

    public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool HasEvents => Events.Count > 0 || LegacyOutbox.Count > 0;
}

/// <summary>
/// The one statement that commits a batch of registry writes (PostgreSQL runs a single statement as its own transaction):
/// each state is updated only if its stored version is still the one its grain read (inserted only if it has no row), and
/// the history entries, events, consent notices and expiry listings are inserted only for the states that were written.
/// It returns the new version of each state written; a grain missing from the answer lost its ETag check.
/// </summary>
internal static class RegistryBatchStatement
{
    public const string Write = """
        WITH c_in AS (
            SELECT * FROM unnest(@c_ids::bigint[], @c_expected::integer[], @c_payloads::bytea[]) AS i(citizen_id, expected, payload)
        ), c_updated AS (
            UPDATE citizen_state s SET payload = i.payload, version = s.version + 1
            FROM c_in i
            WHERE i.expected IS NOT NULL AND s.citizen_id = i.citizen_id AND s.version = i.expected
            RETURNING s.citizen_id, s.version
        ), c_inserted AS (
            INSERT INTO citizen_state (citizen_id, version, payload)
            SELECT citizen_id, 1, payload FROM c_in WHERE expected IS NULL
            ON CONFLICT (citizen_id) DO NOTHING
            RETURNING citizen_id, version
        ), c_ok AS (
            SELECT citizen_id, version FROM c_updated UNION ALL SELECT citizen_id, version FROM c_inserted
        ), k_in AS (
            SELECT * FROM unnest(@k_ids::text[], @k_expected::integer[], @k_payloads::bytea[]) AS i(card_number, expected, payload)
        ), k_updated AS (
            UPDATE card_state s SET payload = i.payload, version = s.version + 1
            FROM k_in i
            WHERE i.expected IS NOT NULL AND s.card_number = i.card_number AND s.version = i.expected
            RETURNING s.card_number, s.version
        ), k_inserted AS (
            INSERT INTO card_state (card_number, version, payload)
            SELECT card_number, 1, payload FROM k_in WHERE expected IS NULL
            ON CONFLICT (card_number) DO NOTHING
            RETURNING card_number, version
        ), k_ok AS (
            SELECT card_number, version FROM k_updated UNION ALL SELECT card_number, version FROM k_inserted
        ), history AS (
            INSERT INTO citizen_history (citizen_id, version, at, kind, source, changed_fields)
            SELECT h.citizen_id, h.version, h.at, h.kind, h.source, string_to_array(h.fields, ',')
            FROM unnest(@h_citizen::bigint[], @h_version::bigint[], @h_at::timestamptz[], @h_kind::smallint[], @h_source::text[], @h_fields::text[])
                 AS h(citizen_id, version, at, kind, source, fields)
            WHERE h.citizen_id IN (SELECT citizen_id FROM c_ok)
        ), events AS (
            INSERT INTO citizen_events (event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields,
                                        consent_id, consent_agency, consent_purpose)
            SELECT e.event_id, e.citizen_id, e.sequence, e.type, e.occurred_at, e.record_version, string_to_array(e.changed_fields, ','),
                   e.consent_id, e.consent_agency, e.consent_purpose
            FROM unnest(@e_owner::bigint[], @e_legacy::boolean[], @event_ids, @citizen_ids, @sequences, @types, @occurred_at, @record_versions,
                        @changed_fields, @consent_ids, @consent_agencies, @consent_purposes) WITH ORDINALITY
                 AS e(owner, legacy, event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields,
                      consent_id, consent_agency, consent_purpose, ord)
            WHERE e.owner IN (SELECT citizen_id FROM c_ok)
              AND (NOT e.legacy OR NOT EXISTS (SELECT 1 FROM citizen_events_0007 l WHERE l.event_id = e.event_id))
            ORDER BY e.ord
        ), notices AS (
            INSERT INTO citizen_consent_notices (citizen_id, consent_id)
            SELECT n.citizen_id, n.consent_id FROM unnest(@n_citizen::bigint[], @n_consent::uuid[]) AS n(citizen_id, consent_id)
            WHERE n.citizen_id IN (SELECT citizen_id FROM c_ok)
            ON CONFLICT DO NOTHING
        ), expiries AS (
            INSERT INTO card_expiries (card_number, citizen_id, expires_on)
            SELECT x.card_number, x.citizen_id, x.expires_on
            FROM unnest(@x_number::text[], @x_citizen::text[], @x_expires::date[]) AS x(card_number, citizen_id, expires_on)
            WHERE x.card_number IN (SELECT card_number FROM k_ok)
            ON CONFLICT (card_number) DO UPDATE SET citizen_id = excluded.citizen_id, expires_on = excluded.expires_on
        )
        SELECT 0::smallint, citizen_id::text, version FROM c_ok
        UNION ALL
        SELECT 1::smallint, card_number, version FROM k_ok
        """;

    public const string Read = """
        SELECT 0::smallint, citizen_id::text, version, payload FROM citizen_state WHERE citizen_id = ANY (@c_ids::bigint[])
        UNION ALL
        SELECT 1::smallint, card_number, version, payload FROM card_state WHERE card_number = ANY (@k_ids::text[])
        """;

    /// <summary>Binds <paramref name="batch"/> (no two writes of one grain) to <see cref="Write"/>.</summary>
    public static void Bind(NpgsqlCommand command, IReadOnlyList<RegistryWrite> batch)
    {
        var citizens = batch.Where(w => w.Kind == RegistryKind.Citizen).ToList();
        var cards = batch.Where(w => w.Kind == RegistryKind.Card).ToList();
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<long[]>("c_ids", [.. citizens.Select(w => CitizenKey(w.Key))]));
        p.Add(new NpgsqlParameter<int?[]>("c_expected", [.. citizens.Select(w => w.ExpectedVersion)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter<byte[][]>("c_payloads", [.. citizens.Select(w => w.Payload)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        p.Add(new NpgsqlParameter<string[]>("k_ids", [.. cards.Select(w => w.Key)]));
        p.Add(new NpgsqlParameter<int?[]>("k_expected", [.. cards.Select(w => w.ExpectedVersion)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter<byte[][]>("k_payloads", [.. cards.Select(w => w.Payload)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });

        var history = citizens.SelectMany(w => w.History.Select(h => (Owner: CitizenKey(w.Key), Entry: h))).ToList();
        p.Add(new NpgsqlParameter<long[]>("h_citizen", [.. history.Select(h => h.Owner)]));
        p.Add(new NpgsqlParameter<long[]>("h_version", [.. history.Select(h => h.Entry.Version)]));
        p.Add(new NpgsqlParameter<DateTime[]>("h_at", [.. history.Select(h => h.Entry.At.UtcDateTime)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<short[]>("h_kind", [.. history.Select(h => (short)h.Entry.Kind)]));
        p.Add(new NpgsqlParameter<string[]>("h_source", [.. history.Select(h => h.Entry.Source)]));
        // Field names are [a-zA-Z]+, so a comma-joined list round-trips (as for events).
        p.Add(new NpgsqlParameter<string[]>("h_fields", [.. history.Select(h => string.Join(',', h.Entry.Fields))]));

        // Each grain's events in sequence order, the outbox of an upgraded record before anything newer.
        var events = citizens.SelectMany(w => w.LegacyOutbox.Select(e => (Owner: CitizenKey(w.Key), Legacy: true, Event: e))
            .Concat(w.Events.Select(e => (Owner: CitizenKey(w.Key), Legacy: false, Event: e)))).ToList();
        p.Add(new NpgsqlParameter<long[]>("e_owner", [.. events.Select(e => e.Owner)]));
        p.Add(new NpgsqlParameter<bool[]>("e_legacy", [.. events.Select(e => e.Legacy)]));
        CitizenEventColumns.AddArrays(command, [.. events.Select(e => e.Event)]);

        var notices = citizens.SelectMany(w => w.ConsentNotices.Select(n => (Owner: CitizenKey(w.Key), Consent: n))).ToList();
        p.Add(new NpgsqlParameter<long[]>("n_citizen", [.. notices.Select(n => n.Owner)]));
        p.Add(new NpgsqlParameter<Guid[]>("n_consent", [.. notices.Select(n => n.Consent)]));

        var expiries = cards.SelectMany(w => w.CardExpiries.Where(c => c.Number == w.Key && c.ExpiresOn is not null)).ToList();
        p.Add(new NpgsqlParameter<string[]>("x_number", [.. expiries.Select(c => c.Number)]));
        p.Add(new NpgsqlParameter<string[]>("x_citizen", [.. expiries.Select(c => c.CitizenId.Value)]));
        p.Add(new NpgsqlParameter<DateOnly[]>("x_expires", [.. expiries.Select(c => c.ExpiresOn!.Value)]));
    }

    /// <summary>Binds the keys of <paramref name="reads"/> to <see cref="Read"/>.</summary>
    public static void BindRead(NpgsqlCommand command, IEnumerable<(RegistryKind Kind, string Key)> reads)
    {
        var list = reads.ToList();
        command.Parameters.Add(new NpgsqlParameter<long[]>("c_ids", [.. list.Where(r => r.Kind == RegistryKind.Citizen).Select(r => CitizenKey(r.Key))]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("k_ids", [.. list.Where(r => r.Kind == RegistryKind.Card).Select(r => r.Key)]));
    }

    /// <summary>The key a registry row is stored under, as the answer of <see cref="Write"/> and <see cref="Read"/> names it.</summary>
    public static string StoredKey(RegistryKind kind, string key) =>
        kind == RegistryKind.Citizen ? CitizenKey(key).ToString(CultureInfo.InvariantCulture) : key;

    /// <summary>A personal ID (12 ASCII digits, checked before a write or read is queued) as the bigint key of citizen_state.</summary>
    public static long CitizenKey(string key) => long.Parse(key, NumberStyles.None, CultureInfo.InvariantCulture);
}
