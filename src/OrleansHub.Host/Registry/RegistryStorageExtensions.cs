using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime.Hosting;
using OrleansHub.Grains;
using OrleansHub.Grains.Citizens;
using OrleansHub.Grains.Registry;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Registry;

/// <summary>
/// Wires the registry storage of citizen and card grains: in memory when embedded; on PostgreSQL group-committed, with the
/// upkeep of the event log's partitions.
/// </summary>
public static class RegistryStorageExtensions
{
    private const string DataSourceKey = "registry";

    public static WebApplicationBuilder AddRegistryStorage(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetStorageMode() == StorageMode.Embedded)
        {
            builder.Services.AddInMemoryRegistryStorage();
        }
        else
        {
            AddPostgresRegistryStorage(builder.Services);
        }

        return builder;
    }

    private static void AddPostgresRegistryStorage(IServiceCollection services)
    {
        services.AddOptions<RegistryStorageOptions>().BindConfiguration(RegistryStorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Its own pool: its connections keep no session state, so they are not reset (DISCARD ALL, a transaction of its own,
        // on every return to the pool) and keep the batch statement prepared, which PostgreSQL then plans once.
        services.AddKeyedSingleton(DataSourceKey, (sp, _) =>
        {
            var builder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<IConfiguration>().GetPostgresConnectionString());
            builder.ConnectionStringBuilder.NoResetOnClose = true;
            builder.ConnectionStringBuilder.MaxAutoPrepare = 8;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            builder.Name = "registry";
            return builder.Build();
        });
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresRegistryStorage>(sp, sp.GetRequiredKeyedService<NpgsqlDataSource>(DataSourceKey)));
        services.AddSingleton<ICitizenArchive>(sp => sp.GetRequiredService<PostgresRegistryStorage>());
        services.AddGrainStorage(GrainStorageNames.Registry, (sp, _) => sp.GetRequiredService<PostgresRegistryStorage>());
        services.AddHostedService<EventLogPartitions>();
    }
}

/// <summary>
/// Every <see cref="RegistryStorageOptions.MaintenanceInterval"/> on each silo: makes the event log's partitions for this
/// month and the next three (so appends land in a monthly partition, not the default one) and drops the months past the
/// retention that the dispatcher has fanned out. Both run as SECURITY DEFINER functions of migration 0013, so silos need
/// no right to create or drop tables; silos doing it at once take turns on an advisory lock.
/// </summary>
public sealed partial class EventLogPartitions(
    NpgsqlDataSource dataSource, IOptions<RegistryStorageOptions> options, TimeProvider time, ILogger<EventLogPartitions> logger) : BackgroundService
{
    private const int MonthsAhead = 3;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var prepare = dataSource.CreateCommand("SELECT citizen_events_prepare(@months)");
                prepare.Parameters.AddWithValue("months", MonthsAhead);
                var made = (int)(await prepare.ExecuteScalarAsync(stopping))!;
                await using var drop = dataSource.CreateCommand("SELECT citizen_events_drop_before(@cutoff)");
                drop.Parameters.AddWithValue("cutoff", time.GetUtcNow() - options.Value.EventRetention);
                var dropped = (int)(await drop.ExecuteScalarAsync(stopping))!;
                if (made + dropped > 0)
                {
                    LogMaintained(made, dropped);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Appends still land (in the default partition at worst); the next round tries again.
                LogMaintenanceFailed(e.GetType().Name);
            }

            await Task.Delay(options.Value.MaintenanceInterval, time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event log partitions: {Made} month(s) made ahead, {Dropped} month(s) past the retention dropped")]
    private partial void LogMaintained(int made, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event log partition upkeep failed ({Failure}); retrying at the next interval")]
    private partial void LogMaintenanceFailed(string failure);
}
