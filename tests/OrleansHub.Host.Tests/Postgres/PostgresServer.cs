using System.Diagnostics;
using Npgsql;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Postgres;

/// <summary>
/// The PostgreSQL server the storage tests use: the one named by <c>HUB_TEST_POSTGRES</c> (CI starts it),
/// else a private server this fixture starts with <c>deploy/postgres.sh</c> and stops afterwards.
/// Each test creates its own database, so tests never see each other's rows.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "HUB_TEST_POSTGRES";

    private string? _runDirectory;
    private string? _port;

    /// <summary>Connection string without a database.</summary>
    public string ServerConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ServerConnectionString = configured;
            return;
        }

        _runDirectory = Directory.CreateTempSubdirectory("orleanshub-test-pg-").FullName;
        _port = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await RunScriptAsync("start");
        ServerConnectionString = (await RunScriptAsync("env", "--no-database")).Trim();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_runDirectory is not null)
        {
            await RunScriptAsync("stop");
            Directory.Delete(_runDirectory, recursive: true);
        }
    }

    /// <summary>Creates an empty database for one test and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"hub_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ServerConnectionString + ";Database=postgres"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    private async Task<string> RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot.Path, "deploy", "postgres.sh"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["HUB_RUN_DIR"] = _runDirectory, ["HUB_PG_PORT"] = _port },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"deploy/postgres.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
