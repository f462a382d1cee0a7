using Npgsql;
using NpgsqlTypes;

namespace OrleansHub.Bench.PlainLookup;

/// <summary>What the store found: the requested fields as a JSON object (PostgreSQL's own text), or nothing.</summary>
public readonly record struct StoredFields(bool Found, string? FieldsJson);

/// <summary>
/// The whole data path of the baseline: one <c>SELECT</c> of the citizen's requested fields and one audit <c>INSERT</c>,
/// sent together as one Npgsql batch, so they cost one round trip and commit as one implicit transaction. The answer
/// leaves only after the batch has completed, i.e. after the audit row is durable (fsync on, synchronous_commit on).
/// PostgreSQL's own group commit lets concurrent requests share WAL flushes; nothing is batched across requests here.
/// </summary>
public sealed class LookupStore(NpgsqlDataSource dataSource, PlainLookupOptions options)
{
    // Only the requested members leave the database: the jsonb object is built server-side from the field list.
    private const string SelectSql =
        "SELECT (SELECT jsonb_object_agg(f, c.record -> f) FROM unnest($2::text[]) AS f) FROM citizen_copy c WHERE c.id = $1";

    // The outcome is decided in the same statement (does the row exist?), so the audit row is written in the same
    // round trip as the read instead of after it.
    private const string AuditSql =
        "INSERT INTO plain_audit (id, at, agency, citizen_id, fields, purpose, outcome) " +
        "VALUES ($1, now(), $2, $3, $4, $5, CASE WHEN EXISTS (SELECT 1 FROM citizen_copy WHERE id = $3) THEN 'disclosed' ELSE 'citizen-unknown' END)";

    // One row per requested ID that exists: its requested members as one jsonb object.
    private const string SelectBatchSql =
        "SELECT c.id, (SELECT jsonb_object_agg(f, c.record -> f) FROM unnest($2::text[]) AS f) FROM citizen_copy c WHERE c.id = ANY($1)";

    // One audit row per requested ID, its outcome decided in the same statement.
    private const string AuditBatchSql =
        "INSERT INTO plain_audit (id, at, agency, citizen_id, fields, purpose, outcome) " +
        "SELECT gen_random_uuid(), now(), $2, i, $3, $4, CASE WHEN EXISTS (SELECT 1 FROM citizen_copy WHERE id = i) THEN 'disclosed' ELSE 'citizen-unknown' END " +
        "FROM unnest($1::text[]) AS i";

    private const string SchemaSql = """
        CREATE TABLE IF NOT EXISTS citizen_copy (id text PRIMARY KEY, record jsonb NOT NULL);
        CREATE TABLE IF NOT EXISTS plain_audit (
            id uuid PRIMARY KEY, at timestamptz NOT NULL, agency text NOT NULL, citizen_id text NOT NULL,
            fields text[] NOT NULL, purpose text NOT NULL, outcome text NOT NULL);
        """;

    /// <summary>
    /// Builds the data source. Auto-prepare is switched on when the connection string leaves it off (every request
    /// reuses the same two statements, so each pooled connection parses them once); pool size is the caller's choice.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 8;
        }

        return builder.Build();
    }

    /// <summary>Creates the two tables when missing (the benchmark script COPYs the citizens in beforehand).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SchemaSql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads the requested fields of up to 100 citizens and records one access row each; returns once all are committed.</summary>
    public async Task<Dictionary<string, string>> LookupBatchAsync(string[] citizenIds, string[] fields, string purpose, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(SelectBatchSql)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]> { TypedValue = citizenIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<string[]> { TypedValue = fields, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AuditBatchSql)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]> { TypedValue = citizenIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<string> { TypedValue = options.Agency },
                new NpgsqlParameter<string[]> { TypedValue = fields, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<string> { TypedValue = purpose },
            },
        });

        var found = new Dictionary<string, string>(citizenIds.Length, StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(0)] = reader.GetFieldValue<string>(1);
        }

        while (await reader.NextResultAsync(cancellationToken))
        {
        }

        return found;
    }

    /// <summary>Reads the requested fields of one citizen and records the access; returns once both are committed.</summary>
    public async Task<StoredFields> LookupAsync(string citizenId, string[] fields, string purpose, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(SelectSql)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = citizenId },
                new NpgsqlParameter<string[]> { TypedValue = fields, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AuditSql)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() },
                new NpgsqlParameter<string> { TypedValue = options.Agency },
                new NpgsqlParameter<string> { TypedValue = citizenId },
                new NpgsqlParameter<string[]> { TypedValue = fields, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<string> { TypedValue = purpose },
            },
        });

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var found = await reader.ReadAsync(cancellationToken);
        var json = found ? reader.GetFieldValue<string>(0) : null;

        // Drain the INSERT's result: an audit failure surfaces here, before any answer is written.
        while (await reader.NextResultAsync(cancellationToken))
        {
        }

        return new StoredFields(found, json);
    }
}
