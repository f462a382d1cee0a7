using Microsoft.Extensions.Options;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Hosting;

/// <summary>Says at start-up, in one place, which mode the hub runs in and what that means for durability.</summary>
public static partial class StartupReport
{
    public static void LogStartupMode(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansHub.Startup");
        var cluster = app.Services.GetRequiredService<IOptions<HubClusterOptions>>().Value;
        if (app.Configuration.GetStorageMode() == StorageMode.Embedded)
        {
            LogEmbedded(logger);
            if (app.Services.UsesDevelopmentOperatorKey())
            {
                LogDevelopmentKey(logger, OperatorOptions.DevelopmentKey);
            }
        }
        else
        {
            LogPostgres(logger, cluster.ClusterId, cluster.ServiceId, cluster.SiloPort, cluster.Tls.IsConfigured ? "mutual TLS" : "PLAINTEXT: Development only");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "EMBEDDED MODE: single silo, in-memory storage and reminders. NOTHING IS DURABLE: every record is lost when this process stops. Set ConnectionStrings__Postgres to run durably.")]
    private static partial void LogEmbedded(ILogger logger);

    // The development key is public (it is in the README), so naming it here discloses nothing.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded mode uses the public development operator key '{Key}'. Configure Hub__Operator__ApiKey for anything but local trials.")]
    private static partial void LogDevelopmentKey(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL mode: cluster {ClusterId}, service {ServiceId}, silo port {SiloPort} ({SiloTransport}), no client gateway")]
    private static partial void LogPostgres(ILogger logger, string clusterId, string serviceId, int siloPort, string siloTransport);
}
