using Npgsql;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Storage;

/// <summary>
/// <c>OrleansHub.Host migrate</c>: applies pending schema migrations as the schema's owner
/// (<c>ConnectionStrings:PostgresOwner</c>; <c>ConnectionStrings:Postgres</c> when only that is set) and grants the
/// runtime role (<c>Hub:Database:RuntimeRole</c>, else the user of <c>ConnectionStrings:Postgres</c>) its privileges.
/// </summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
        var owner = builder.Configuration.GetPostgresOwnerConnectionString();
        var connectionString = owner ?? builder.Configuration.GetConnectionString(StorageModeConfiguration.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync("migrate: set ConnectionStrings__PostgresOwner to the schema owner's login (and ConnectionStrings__Postgres to the runtime login).");
            return 2;
        }

        var runtimeRole = owner is null ? builder.Configuration[StorageModeConfiguration.RuntimeRoleKey] : builder.Configuration.GetRuntimeRole(owner);
        builder.Services.AddNpgsqlDataSource(connectionString);
        builder.Services.AddSingleton<MigrationRunner>();
        using var host = builder.Build();
        try
        {
            var applied = await host.Services.GetRequiredService<MigrationRunner>().ApplyAsync(Migration.LoadEmbedded(), runtimeRole: string.IsNullOrWhiteSpace(runtimeRole) ? null : runtimeRole);
            await Console.Out.WriteLineAsync($"migrate: {applied.Count} migration(s) applied; schema is up to date."
                + (string.IsNullOrWhiteSpace(runtimeRole) ? " No runtime role named: no privileges granted." : $" Runtime role {runtimeRole} granted."));
            return 0;
        }
        catch (NpgsqlException exception)
        {
            await Console.Error.WriteLineAsync($"migrate: the database refused: {exception.Message}");
            return 1;
        }
    }
}
