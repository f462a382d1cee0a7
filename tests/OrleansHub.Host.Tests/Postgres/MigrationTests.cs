using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansHub.Host.Storage;
using OrleansHub.Host.Tests.Cluster;

namespace OrleansHub.Host.Tests.Postgres;

[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class MigrationTests(PostgresServer postgres)
{
    private static readonly IReadOnlyList<Migration> Shipped = Migration.LoadEmbedded();

    [Fact]
    public void LoadEmbedded_ShipsNumberedMigrationsInOrder()
    {
        Assert.NotEmpty(Shipped);
        // Numbered from 1, in order, each number once. Engineers working in parallel take blocks of numbers (see the team's
        // plan), so a branch may skip some until its neighbours merge.
        Assert.Equal(1, Shipped[0].Version);
        Assert.Equal(Shipped.Select(m => m.Version).Order(), Shipped.Select(m => m.Version));
        Assert.Equal(Shipped.Count, Shipped.Select(m => m.Version).Distinct().Count());
    }

    [Fact]
    public async Task Apply_Twice_SecondRunAppliesNothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var runner = Runner(dataSource);

        var first = await runner.ApplyAsync(Shipped);
        var second = await runner.ApplyAsync(Shipped);

        Assert.Equal(Shipped.Count, first.Count);
        Assert.Empty(second);
        Assert.Equal(Shipped.Count, (await runner.ReadAppliedAsync()).Count);
    }

    [Fact]
    public async Task Apply_OlderSchema_IsUpgradedToTheLatest()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var runner = Runner(dataSource);
        await runner.ApplyAsync(Shipped, targetVersion: 2);
        Assert.Equal([1, 2], (await runner.ReadAppliedAsync()).Keys.Order());

        var upgraded = await runner.ApplyAsync(Shipped);

        Assert.Equal(Shipped.Skip(2).Select(m => m.Version), upgraded.Select(m => m.Version));
        Assert.Equal(1L, await ScalarAsync(dataSource, "SELECT count(*) FROM orleansquery WHERE querykey = 'UpsertReminderRowKey'"));
    }

    [Fact]
    public async Task Apply_MigrationEditedAfterItWasApplied_IsRefused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var runner = Runner(dataSource);
        await runner.ApplyAsync(Shipped);
        var edited = Shipped.Select(m => m.Version == 1 ? m with { Sql = m.Sql + "\n-- edited" } : m).ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.ApplyAsync(edited));

        Assert.Contains("edited", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_FailingMigration_LeavesTheDatabaseAtTheLastWholeVersion()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var runner = Runner(dataSource);
        var broken = Shipped.Append(new Migration(Shipped.Count + 1, "broken", "CREATE TABLE half_done (id int); SELECT 1/0;")).ToList();

        await Assert.ThrowsAsync<PostgresException>(() => runner.ApplyAsync(broken));

        Assert.Equal(Shipped.Count, (await runner.ReadAppliedAsync()).Count);
        Assert.Equal(false, await ScalarAsync(dataSource, "SELECT to_regclass('half_done') IS NOT NULL"));
    }

    [Fact]
    public async Task MigrateCommand_TwoProcessesAtOnce_BothSucceedAndApplyEachFileOnce()
    {
        var connectionString = await postgres.CreateDatabaseAsync();

        var results = await Task.WhenAll(RunMigrateCommandAsync(connectionString), RunMigrateCommandAsync(connectionString));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        Assert.Equal((long)Shipped.Count, await ScalarAsync(dataSource, "SELECT count(*) FROM hub_schema_migrations"));
    }

    private static MigrationRunner Runner(NpgsqlDataSource dataSource) => new(dataSource, NullLogger<MigrationRunner>.Instance);

    private static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<(int ExitCode, string Output)> RunMigrateCommandAsync(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet", [HubProcess.HostAssembly, "migrate"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ConnectionStrings__Postgres"] = connectionString },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
