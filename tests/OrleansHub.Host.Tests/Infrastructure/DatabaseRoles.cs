using Npgsql;

namespace OrleansHub.Host.Tests.Infrastructure;

/// <summary>
/// The runtime role the tests' hubs run as, as in production: a plain login that owns nothing, granted its privileges
/// by the migration runner (the test server's superuser plays the schema owner). Created once per server.
/// </summary>
public static class DatabaseRoles
{
    public const string Runtime = "hub_runtime";

    /// <summary>The audit key every test hub signs its batches with (a test secret, high entropy like a real one).</summary>
    public const string AuditKeyId = "test-2026";

    public const string AuditKey = "LE7v81owxpfyrHhougR6MVsjpk972405DG4HOFGA";

    /// <summary>Creates the runtime role on the server of <paramref name="ownerConnectionString"/> if missing.</summary>
    public static async Task EnsureRuntimeRoleAsync(string ownerConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(ownerConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Runtime}') THEN
                    CREATE ROLE {Runtime} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The same database as <paramref name="ownerConnectionString"/>, logged in as the runtime role.</summary>
    public static string RuntimeConnectionString(string ownerConnectionString) =>
        new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = Runtime }.ConnectionString;
}
