using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace OrleansHub.Host.Audit;

/// <summary>
/// Writes audit batches to PostgreSQL: the entries, the batch row and the chain head in one transaction.
/// Entries go to monthly partitions of <c>audit_log</c>, created here on first use under an advisory lock so silos
/// racing for the same month do not fail. The batch's charges are added to <c>fee_ledger</c> in the same transaction.
/// Also reads the chains back for <see cref="AuditVerifier"/>.
/// </summary>
public sealed class PostgresAuditStore(NpgsqlDataSource dataSource) : IAuditBatchStore, IAuditChainSource, IAsyncDisposable
{
    /// <summary>Most idle connections the writers keep (one per writer loop is all they use).</summary>
    private const int MaxHeldConnections = 16;

    /// <summary>Largest batch written in one round trip; larger ones are copied (see <see cref="WriteAsync"/>).</summary>
    private const int MaxEntriesInOneTrip = 64;

    private readonly ConcurrentBag<NpgsqlConnection> _connections = [];

    private const string Copy = """
        COPY audit_log (id, at, agency_code, citizen_id, operation, purpose, fields, outcome, reason, fee_vnd, request_id,
                        chain_id, batch_sequence, batch_position, fee_product, fee_fields, fee_exempt, fee_schedule)
        FROM STDIN (FORMAT BINARY)
        """;

    // The entries as columns of arrays, one row per position. A field list is a slice of one flat array (names may hold
    // any character but NUL, so no separator is safe); an empty list is the empty slice [n+1:n].
    private const string InsertEntries = """
        INSERT INTO audit_log (id, at, agency_code, citizen_id, operation, purpose, fields, outcome, reason, fee_vnd, request_id,
                               chain_id, batch_sequence, batch_position, fee_product, fee_fields, fee_exempt, fee_schedule)
        SELECT e.id, e.at, e.agency_code, e.citizen_id, e.operation, e.purpose, ($7::text[])[e.fields_from:e.fields_to], e.outcome,
               e.reason, e.fee_vnd, e.request_id, $14, $15, e.position - 1, e.fee_product, e.fee_fields, e.fee_exempt, e.fee_schedule
        FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $8::integer[], $9::integer[],
                    $10::text[], $11::text[], $12::bigint[], $13::text[], $16::text[], $17::integer[], $18::boolean[], $19::integer[])
             WITH ORDINALITY AS e(id, at, agency_code, citizen_id, operation, purpose, fields_from, fields_to, outcome, reason, fee_vnd,
                                  request_id, fee_product, fee_fields, fee_exempt, fee_schedule, position)
        """;

    private const string InsertBatch = """
        INSERT INTO audit_batches (chain_id, sequence, previous_hash, hash, entry_count, first_at, last_at, key_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """;

    private const string InsertHead = "INSERT INTO audit_chains (chain_id, last_sequence, last_hash) VALUES ($1, $2, $3)";

    // The runtime role may not UPDATE audit_chains nor fee_ledger: these SECURITY DEFINER functions (migration 0019) do
    // the one change each allows; the tables' triggers still check it.
    private const string AdvanceHead = "SELECT audit_advance_head($1, $2, $3)";

    private const string AddLedgerLines = "SELECT fee_ledger_add($1, $2, $3, $4, $5, $6, $7, $8)";

    /// <summary>Months (year * 12 + month - 1, UTC) whose partition this process knows exists.</summary>
    private readonly ConcurrentDictionary<int, bool> _partitions = new();

    public async Task WriteBatchAsync(AuditBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await EnsurePartitionsAsync(batch.Entries, cancellationToken).ConfigureAwait(false);
            var connection = await TakeConnectionAsync(cancellationToken).ConfigureAwait(false);
            var healthy = false;
            try
            {
                await WriteAsync(connection, batch, cancellationToken).ConfigureAwait(false);
                healthy = true;
            }
            finally
            {
                await ReturnConnectionAsync(connection, healthy).ConfigureAwait(false);
            }
        }
        catch
        {
            // A partition may have been dropped behind this process's back: check them all again next time.
            _partitions.Clear();
            throw;
        }
    }

    /// <summary>
    /// A connection held by the audit writers themselves, not returned to the pool between batches: returning one makes
    /// Npgsql reset the session (several statements on the server per batch) and keeps nothing prepared. A connection whose
    /// batch failed is closed instead of kept.
    /// </summary>
    private async ValueTask<NpgsqlConnection> TakeConnectionAsync(CancellationToken cancellationToken) =>
        _connections.TryTake(out var held) && held.State == System.Data.ConnectionState.Open
            ? held
            : await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private async ValueTask ReturnConnectionAsync(NpgsqlConnection connection, bool healthy)
    {
        if (healthy && _connections.Count < MaxHeldConnections)
        {
            _connections.Add(connection);
            return;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        while (_connections.TryTake(out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A batch of up to <see cref="MaxEntriesInOneTrip"/> entries goes in one round trip: the entries as arrays in one
    /// <c>INSERT</c>, the chain's new batch row and head and the ledger lines, as one batch of statements that PostgreSQL
    /// runs as one implicit transaction. Lookups make such batches (4-6 entries at 2,500 lookups/s with one writer, about
    /// ten at 5,000/s with four). A larger one is copied (binary <c>COPY</c> costs PostgreSQL about half the CPU per row
    /// of the array <c>INSERT</c>) in an explicit transaction, three more round trips. Either way all or nothing is kept.
    /// Statements are prepared once per held connection.
    /// </summary>
    private static async Task WriteAsync(NpgsqlConnection connection, AuditBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Entries.Count <= MaxEntriesInOneTrip)
        {
            await using var write = new NpgsqlBatch(connection);
            write.BatchCommands.Add(Entries(batch));
            await LinkAsync(write, batch, cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await CopyEntriesAsync(connection, batch, cancellationToken).ConfigureAwait(false);
        await using (var links = new NpgsqlBatch(connection, transaction))
        {
            await LinkAsync(links, batch, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds the chain's new batch row, its head and the ledger lines to <paramref name="write"/> and runs it. The first
    /// batch of a chain inserts the head (a second start of the same chain fails on its key); later ones advance it, and
    /// audit_advance_head raises when the chain is not at the batch before this one.
    /// </summary>
    private static async Task LinkAsync(NpgsqlBatch write, AuditBatch batch, CancellationToken cancellationToken)
    {
        write.BatchCommands.Add(new NpgsqlBatchCommand(InsertBatch)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = batch.ChainId },
                new NpgsqlParameter<long> { TypedValue = batch.Sequence },
                new NpgsqlParameter<byte[]> { TypedValue = batch.PreviousHash },
                new NpgsqlParameter<byte[]> { TypedValue = batch.Hash },
                new NpgsqlParameter<int> { TypedValue = batch.Entries.Count },
                new NpgsqlParameter<DateTime> { TypedValue = batch.FirstAt.UtcDateTime },
                new NpgsqlParameter<DateTime> { TypedValue = batch.LastAt.UtcDateTime },
                new NpgsqlParameter { Value = (object?)batch.KeyId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            },
        });
        write.BatchCommands.Add(new NpgsqlBatchCommand(batch.Sequence == 1 ? InsertHead : AdvanceHead)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = batch.ChainId },
                new NpgsqlParameter<long> { TypedValue = batch.Sequence },
                new NpgsqlParameter<byte[]> { TypedValue = batch.Hash },
            },
        });
        if (LedgerLines(batch) is { } ledger)
        {
            write.BatchCommands.Add(ledger);
        }

        await write.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Guid>> ReadChainIdsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT chain_id FROM audit_chains
            UNION SELECT chain_id FROM audit_batches
            UNION SELECT chain_id FROM audit_log
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var chains = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            chains.Add(reader.GetGuid(0));
        }

        return chains;
    }

    public async Task<AuditChainHead?> ReadHeadAsync(Guid chainId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT last_sequence, last_hash FROM audit_chains WHERE chain_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = chainId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new AuditChainHead(chainId, reader.GetInt64(0), reader.GetFieldValue<byte[]>(1))
            : null;
    }

    public async IAsyncEnumerable<AuditBatchRecord> ReadBatchesAsync(Guid chainId, long lastSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sequence, previous_hash, hash, entry_count, key_id FROM audit_batches
            WHERE chain_id = $1 AND sequence <= $2 ORDER BY sequence
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = chainId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lastSequence });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadBatch(chainId, reader);
        }
    }

    public async Task<AuditBatchRecord?> ReadBatchAsync(Guid chainId, long sequence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sequence, previous_hash, hash, entry_count, key_id FROM audit_batches WHERE chain_id = $1 AND sequence = $2
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = chainId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadBatch(chainId, reader) : null;
    }

    private static AuditBatchRecord ReadBatch(Guid chainId, NpgsqlDataReader reader) =>
        new(chainId, reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2), reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetString(4));

    public async IAsyncEnumerable<ChainedAuditEntry> ReadEntriesAsync(Guid chainId, long lastSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT batch_sequence, batch_position, {PostgresAuditRows.EntryColumns} FROM audit_log
            WHERE chain_id = $1 AND batch_sequence <= $2 ORDER BY batch_sequence, batch_position
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = chainId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lastSequence });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new ChainedAuditEntry(reader.GetInt64(0), reader.GetInt32(1), PostgresAuditRows.Read(reader, first: 2));
        }
    }

    public async Task<long> ReadLastBatchSequenceAsync(Guid chainId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT coalesce(greatest((SELECT max(sequence) FROM audit_batches WHERE chain_id = $1),
                                     (SELECT max(batch_sequence) FROM audit_log WHERE chain_id = $1)), 0)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = chainId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The partition's name for a month, e.g. <c>audit_log_y2026m01</c>.</summary>
    public static string PartitionName(int year, int month) => string.Create(CultureInfo.InvariantCulture, $"audit_log_y{year:D4}m{month:D2}");

    private static async Task CopyEntriesAsync(NpgsqlConnection connection, AuditBatch batch, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken).ConfigureAwait(false);
        var entries = batch.Entries;
        for (var position = 0; position < entries.Count; position++)
        {
            var entry = entries[position];
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(entry.Id, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(entry.At.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, entry.AgencyCode, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, entry.CitizenId, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(entry.Operation, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, entry.Purpose, cancellationToken).ConfigureAwait(false);
            await WriteFieldsAsync(importer, entry.Fields, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(PostgresAuditRows.ToText(entry.Outcome), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, entry.Reason, cancellationToken).ConfigureAwait(false);
            var fee = entry.Fee;
            await WriteNullableAsync(importer, fee?.Vnd, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);

            await importer.WriteAsync(entry.RequestId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(batch.ChainId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(batch.Sequence, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(position, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, fee?.Product, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(importer, fee?.Fields, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(importer, fee?.Exempt, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
            await WriteNullableAsync(importer, fee?.Schedule, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } present ? importer.WriteAsync(present, type, cancellationToken) : importer.WriteNullAsync(cancellationToken);

    /// <summary>The batch's entries as one <c>INSERT</c> of arrays (<see cref="InsertEntries"/>).</summary>
    private static NpgsqlBatchCommand Entries(AuditBatch batch)
    {
        var entries = batch.Entries;
        var n = entries.Count;
        var ids = new Guid[n];
        var at = new DateTime[n];
        var agencies = new string?[n];
        var citizens = new string?[n];
        var operations = new string[n];
        var purposes = new string?[n];
        var fieldsFrom = new int[n];
        var fieldsTo = new int[n];
        var outcomes = new string[n];
        var reasons = new string?[n];
        var feeVnd = new long?[n];
        var requestIds = new string[n];
        var feeProducts = new string?[n];
        var feeFields = new int?[n];
        var feeExempt = new bool?[n];
        var feeSchedules = new int?[n];
        var names = new List<string>();
        for (var i = 0; i < n; i++)
        {
            var entry = entries[i];
            ids[i] = entry.Id;
            at[i] = entry.At.UtcDateTime;
            agencies[i] = entry.AgencyCode;
            citizens[i] = entry.CitizenId;
            operations[i] = entry.Operation;
            purposes[i] = entry.Purpose;
            fieldsFrom[i] = names.Count + 1;
            names.AddRange(entry.Fields);
            fieldsTo[i] = names.Count;
            outcomes[i] = PostgresAuditRows.ToText(entry.Outcome);
            reasons[i] = entry.Reason;
            requestIds[i] = entry.RequestId;
            if (entry.Fee is { } fee)
            {
                (feeVnd[i], feeProducts[i], feeFields[i], feeExempt[i], feeSchedules[i]) = (fee.Vnd, fee.Product, fee.Fields, fee.Exempt, fee.Schedule);
            }
        }

        return new NpgsqlBatchCommand(InsertEntries)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid[]> { TypedValue = ids },
                new NpgsqlParameter<DateTime[]> { TypedValue = at, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                new NpgsqlParameter<string?[]> { TypedValue = agencies, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<string?[]> { TypedValue = citizens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<string[]> { TypedValue = operations, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<string?[]> { TypedValue = purposes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<string[]> { TypedValue = [.. names], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<int[]> { TypedValue = fieldsFrom },
                new NpgsqlParameter<int[]> { TypedValue = fieldsTo },
                new NpgsqlParameter<string[]> { TypedValue = outcomes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<string?[]> { TypedValue = reasons, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<long?[]> { TypedValue = feeVnd, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
                new NpgsqlParameter<string[]> { TypedValue = requestIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<Guid> { TypedValue = batch.ChainId },
                new NpgsqlParameter<long> { TypedValue = batch.Sequence },
                new NpgsqlParameter<string?[]> { TypedValue = feeProducts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<int?[]> { TypedValue = feeFields, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
                new NpgsqlParameter<bool?[]> { TypedValue = feeExempt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean },
                new NpgsqlParameter<int?[]> { TypedValue = feeSchedules, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
            },
        };
    }

    /// <summary>
    /// The batch's charges as one fee-ledger upsert, run in the batch's own transaction: ledger and audit log commit or
    /// fail together. Lines go in key order so concurrent writers lock ledger rows in the same order and never deadlock.
    /// Null when the batch charged nothing.
    /// </summary>
    private static NpgsqlBatchCommand? LedgerLines(AuditBatch batch)
    {
        var lines = FeeLedgerLine.Aggregate(batch.Entries);
        return lines.Count == 0 ? null : new NpgsqlBatchCommand(AddLedgerLines)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]> { TypedValue = [.. lines.Select(l => l.AgencyCode)] },
                new NpgsqlParameter<DateOnly[]> { TypedValue = [.. lines.Select(l => l.Day)] },
                new NpgsqlParameter<string[]> { TypedValue = [.. lines.Select(l => l.Product)] },
                new NpgsqlParameter<long[]> { TypedValue = [.. lines.Select(l => l.Answers)] },
                new NpgsqlParameter<long[]> { TypedValue = [.. lines.Select(l => l.Fields)] },
                new NpgsqlParameter<long[]> { TypedValue = [.. lines.Select(l => l.ExemptAnswers)] },
                new NpgsqlParameter<long[]> { TypedValue = [.. lines.Select(l => l.ExemptFields)] },
                new NpgsqlParameter<long[]> { TypedValue = [.. lines.Select(l => l.AmountVnd)] },
            },
        };
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task WriteFieldsAsync(NpgsqlBinaryImporter importer, IReadOnlyList<string> fields, CancellationToken cancellationToken) => fields switch
    {
        string[] array => importer.WriteAsync(array, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken),
        List<string> list => importer.WriteAsync(list, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken),
        _ => importer.WriteAsync(fields.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken),
    };

    private async Task EnsurePartitionsAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        List<int>? missing = null;
        var last = -1;
        for (var i = 0; i < entries.Count; i++)
        {
            var at = entries[i].At.UtcDateTime;
            var month = (at.Year * 12) + at.Month - 1;
            if (month == last)
            {
                continue;
            }

            last = month;
            // The next month too, so the first batch after midnight on the 1st does not wait for DDL.
            Need(month);
            Need(month + 1);
        }

        if (missing is null)
        {
            return;
        }

        void Need(int month)
        {
            if (!_partitions.ContainsKey(month) && !(missing ??= []).Contains(month))
            {
                missing.Add(month);
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var month in missing)
        {
            await CreatePartitionAsync(connection, month, cancellationToken).ConfigureAwait(false);
            _partitions[month] = true;
        }
    }

    private static async Task CreatePartitionAsync(NpgsqlConnection connection, int month, CancellationToken cancellationToken)
    {
        var from = new DateTime(month / 12, (month % 12) + 1, 1, 0, 0, 0, DateTimeKind.Utc);
        // The runtime role may not create tables: audit_log_create_partition (SECURITY DEFINER, migration 0019) makes
        // the partition and its TRUNCATE guard, owned by the schema's owner.
        var sql = string.Create(CultureInfo.InvariantCulture, $"SELECT audit_log_create_partition({from.Year}, {from.Month})");
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
