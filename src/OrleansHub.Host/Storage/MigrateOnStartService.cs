using Npgsql;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Storage;

/// <summary>
/// Brings the schema up to date before the silo starts, so the ADO.NET providers find their tables and queries.
/// With <c>ConnectionStrings:PostgresOwner</c> it migrates as the owner and grants the runtime login its privileges.
/// With only the runtime login it changes nothing outside Development: it checks that every migration of this build is
/// applied and refuses to start otherwise (run <c>migrate</c> as the owner first); in Development it migrates with
/// that single login, as before roles existed. Outside Development it also refuses a runtime login that is a superuser
/// or owns the audit tables: such a login could disable the audit log's triggers.
/// </summary>
public sealed partial class MigrateOnStartService(
    MigrationRunner runner, NpgsqlDataSource dataSource, IConfiguration configuration, IHostEnvironment environment, ILoggerFactory loggers) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var migrations = Migration.LoadEmbedded();
        if (configuration.GetPostgresOwnerConnectionString() is { } owner)
        {
            await using var ownerSource = NpgsqlDataSource.Create(owner);
            var ownerRunner = new MigrationRunner(ownerSource, loggers.CreateLogger<MigrationRunner>());
            await ownerRunner.ApplyAsync(migrations, cancellationToken: cancellationToken, runtimeRole: configuration.GetRuntimeRole(owner));
        }
        else if (environment.IsDevelopment())
        {
            await runner.ApplyAsync(migrations, cancellationToken: cancellationToken);
        }
        else if (await runner.ReadPendingAsync(migrations, cancellationToken) is { Count: > 0 } pending)
        {
            throw new HubStartRefusedException(
                $"The database lacks {pending.Count} migration(s) of this build (first: {pending[0].Version} {pending[0].Name}). "
                + "Run `OrleansHub.Host migrate` with ConnectionStrings__PostgresOwner (the schema owner), or give the hub "
                + "ConnectionStrings__PostgresOwner too; the runtime login may not change the schema.");
        }

        if (!environment.IsDevelopment())
        {
            await RefuseOwnerLoginAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RefuseOwnerLoginAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT current_user::text, r.rolsuper,
                   EXISTS (SELECT 1 FROM pg_class c WHERE c.relname IN ('audit_log', 'audit_batches', 'audit_chains', 'fee_ledger')
                           AND c.relnamespace = 'public'::regnamespace AND pg_has_role(current_user, c.relowner, 'USAGE'))
            FROM pg_roles r WHERE r.rolname = current_user
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken) && (reader.GetBoolean(1) || reader.GetBoolean(2)))
        {
            throw new HubStartRefusedException(
                $"The runtime login {reader.GetString(0)} is {(reader.GetBoolean(1) ? "a superuser" : "the owner of the audit tables")}: it could disable "
                + "the audit log's triggers and rewrite it. Run the silos as the runtime role (ConnectionStrings__Postgres) and "
                + "migrations as the owner (ConnectionStrings__PostgresOwner); see the README's \"Database roles and audit checkpoints\".");
        }
    }
}

/// <summary>The hub will not start with this configuration; the message says why and what to change.</summary>
public sealed class HubStartRefusedException(string message) : Exception(message);
