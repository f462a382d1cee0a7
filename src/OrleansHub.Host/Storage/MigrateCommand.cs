using Npgsql;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Storage;

/// <summary><c>OrleansHub.Host migrate</c>: applies pending schema migrations to the configured database and exits.</summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
        if (builder.Configuration.GetStorageMode() != StorageMode.Postgres)
        {
            await Console.Error.WriteLineAsync("migrate: set ConnectionStrings__Postgres to the database to migrate.");
            return 2;
        }

        builder.Services.AddNpgsqlDataSource(builder.Configuration.GetPostgresConnectionString());
        builder.Services.AddSingleton<MigrationRunner>();
        using var host = builder.Build();
        try
        {
            var applied = await host.Services.GetRequiredService<MigrationRunner>().ApplyAsync(Migration.LoadEmbedded());
            await Console.Out.WriteLineAsync($"migrate: {applied.Count} migration(s) applied; schema is up to date.");
            return 0;
        }
        catch (NpgsqlException exception)
        {
            await Console.Error.WriteLineAsync($"migrate: the database refused: {exception.Message}");
            return 1;
        }
    }
}
