using Npgsql;

namespace OrleansHub.Host.Storage;

/// <summary>
/// Brings a PostgreSQL database up to the schema this build expects. Safe to run from several processes at once:
/// a session advisory lock serialises them, and each file is applied in its own transaction together with its
/// row in <c>hub_schema_migrations</c>, so a crash leaves the database at a whole version. Run as the schema's owner:
/// given the runtime role, it then (re)grants that role exactly the runtime privileges (<c>hub_grant_runtime</c>,
/// migration 0019), so tables added by any migration are covered.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Arbitrary, fixed: every OrleansHub process contends for the same lock.
    private const long AdvisoryLockKey = 0x4F726C48756231;

    /// <summary>
    /// Applies every pending migration up to <paramref name="targetVersion"/> (all when null), then grants
    /// <paramref name="runtimeRole"/> (when given) the runtime privileges; returns the migrations applied now.
    /// </summary>
    public async Task<IReadOnlyList<Migration>> ApplyAsync(IReadOnlyList<Migration> migrations, int? targetVersion = null, CancellationToken cancellationToken = default, string? runtimeRole = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS hub_schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);

            var applied = await ReadAppliedAsync(connection, cancellationToken);
            foreach (var (version, checksum) in applied)
            {
                var known = migrations.FirstOrDefault(m => m.Version == version);
                if (known is not null && known.Checksum != checksum)
                {
                    throw new InvalidOperationException($"Migration {version} ({known.Name}) was edited after it was applied; add a new migration instead.");
                }
            }

            var newlyApplied = new List<Migration>();
            foreach (var migration in migrations.Where(m => !applied.ContainsKey(m.Version) && m.Version <= (targetVersion ?? int.MaxValue)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, migration.Sql, cancellationToken);
                await using (var record = new NpgsqlCommand("INSERT INTO hub_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection))
                {
                    record.Parameters.Add(new() { Value = migration.Version });
                    record.Parameters.Add(new() { Value = migration.Name });
                    record.Parameters.Add(new() { Value = migration.Checksum });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                LogApplied(migration.Version, migration.Name);
                newlyApplied.Add(migration);
            }

            LogUpToDate(applied.Count + newlyApplied.Count);
            if (runtimeRole is not null)
            {
                await GrantRuntimeAsync(connection, runtimeRole, cancellationToken);
            }

            return newlyApplied;
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>Versions of <paramref name="migrations"/> not yet applied to the database.</summary>
    public async Task<IReadOnlyList<Migration>> ReadPendingAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken = default)
    {
        var applied = await ReadAppliedAsync(cancellationToken);
        return [.. migrations.Where(m => !applied.ContainsKey(m.Version))];
    }

    private async Task GrantRuntimeAsync(NpgsqlConnection connection, string runtimeRole, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regprocedure('hub_grant_runtime(name)') IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return; // a target version before 0019
            }
        }

        await using var grant = new NpgsqlCommand("SELECT hub_grant_runtime($1)", connection);
        grant.Parameters.Add(new() { Value = runtimeRole });
        await grant.ExecuteNonQueryAsync(cancellationToken);
        LogGranted(runtimeRole);
    }

    /// <summary>Versions already applied, with the checksum each had.</summary>
    public async Task<IReadOnlyDictionary<int, string>> ReadAppliedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAppliedAsync(connection, cancellationToken);
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand("SELECT to_regclass('hub_schema_migrations') IS NOT NULL", connection);
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            return applied;
        }

        await using var select = new NpgsqlCommand("SELECT version, checksum FROM hub_schema_migrations", connection);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name})")]
    private partial void LogApplied(int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Granted the runtime role {Role} the runtime privileges")]
    private partial void LogGranted(string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date: {Count} migrations applied")]
    private partial void LogUpToDate(int count);
}
