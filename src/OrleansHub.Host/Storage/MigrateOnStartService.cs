namespace OrleansHub.Host.Storage;

/// <summary>Applies pending migrations before the silo starts, so the ADO.NET providers find their tables and queries.</summary>
public sealed class MigrateOnStartService(MigrationRunner runner) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runner.ApplyAsync(Migration.LoadEmbedded(), cancellationToken: cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
