using System.Diagnostics;
using Npgsql;

namespace OrleansHub.Host.Tests.Postgres;

/// <summary>
/// A write the test makes fail, or stop, at a chosen point in a real PostgreSQL database: a row trigger the test creates
/// (as the database's owner) on one table, limited by a condition to the test's own rows, and drops when disposed. Fault
/// points exist only in the test's database, never in the production schema (no migration creates them).
/// </summary>
public sealed class FaultPoint : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _name;
    private readonly string _table;
    private bool _dropped;

    private FaultPoint(NpgsqlDataSource dataSource, string name, string table) => (_dataSource, _name, _table) = (dataSource, name, table);

    /// <summary>
    /// Every <paramref name="events"/> (e.g. <c>INSERT OR UPDATE</c>) of a row of <paramref name="table"/> for which
    /// <paramref name="when"/> holds (a trigger WHEN condition over NEW or OLD) raises an error, failing the statement and
    /// its transaction, as a full disk or a broken table would.
    /// </summary>
    public static Task<FaultPoint> RefuseAsync(NpgsqlDataSource dataSource, string table, string events, string when) =>
        CreateAsync(dataSource, table, events, when, "RAISE EXCEPTION 'fault point: % on % refused by the test', TG_OP, TG_TABLE_NAME;");

    /// <summary>
    /// Every <paramref name="events"/> of a row of <paramref name="table"/> for which <paramref name="when"/> holds waits,
    /// inside the writer's transaction, until the test releases the advisory lock <paramref name="lockKey"/> it holds
    /// (<see cref="HoldLockAsync"/>): the writer is stopped between its statements, where the test can kill it.
    /// </summary>
    public static Task<FaultPoint> BlockAsync(NpgsqlDataSource dataSource, string table, string events, string when, long lockKey) =>
        CreateAsync(dataSource, table, events, when, $"PERFORM pg_advisory_lock({lockKey}); PERFORM pg_advisory_unlock({lockKey});");

    /// <summary>Takes session advisory lock <paramref name="lockKey"/> on a connection of its own; disposing the connection releases it.</summary>
    public static async Task<NpgsqlConnection> HoldLockAsync(NpgsqlDataSource dataSource, long lockKey)
    {
        var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({lockKey})", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Waits until a backend waits for advisory lock <paramref name="lockKey"/>, and returns its process ID.</summary>
    public static async Task<int> WaitForBlockedWriterAsync(NpgsqlDataSource dataSource, long lockKey, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // A bigint advisory key is stored as its high (classid) and low (objid) 32 bits.
            await using var command = dataSource.CreateCommand("""
                SELECT pid FROM pg_locks
                WHERE locktype = 'advisory' AND NOT granted AND classid::bigint = ($1 >> 32) AND objid::bigint = ($1 & 4294967295)
                LIMIT 1
                """);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lockKey });
            if (await command.ExecuteScalarAsync() is int pid)
            {
                return pid;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"No writer reached the fault point within {timeout}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until backend <paramref name="pid"/> has ended (its transaction rolled back or committed).</summary>
    public static async Task WaitForBackendGoneAsync(NpgsqlDataSource dataSource, int pid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)");
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pid });
            if (await command.ExecuteScalarAsync() is false)
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Backend {pid} was still there after {timeout}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Removes the fault point; later writes succeed again.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_dropped)
        {
            return;
        }

        _dropped = true;
        await using var command = _dataSource.CreateCommand($"DROP TRIGGER {_name} ON {_table}; DROP FUNCTION {_name}();");
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<FaultPoint> CreateAsync(NpgsqlDataSource dataSource, string table, string events, string when, string body)
    {
        var name = $"test_fault_{Guid.NewGuid():N}";
        await using var command = dataSource.CreateCommand($"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NEW; END $$;
            CREATE TRIGGER {name} BEFORE {events} ON {table} FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}();
            """);
        await command.ExecuteNonQueryAsync();
        return new FaultPoint(dataSource, name, table);
    }
}
