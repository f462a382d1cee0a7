using OrleansHub.Host.Hosting;
using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Host.Demo;

/// <summary>Writes the demo citizens through the grains once the silo has started (embedded mode only).</summary>
public sealed partial class DemoDataLoader(IGrainFactory grains, ILogger<DemoDataLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, identity) in DemoCitizens.All)
        {
            var result = await grains.GetGrain<ICitizenGrain>(id).WriteIdentityAsync(identity, expectedVersion: null);
            if (result.Failure != CitizenWriteFailure.None)
            {
                throw new InvalidOperationException($"Demo citizen #{DemoCitizens.All.Count} is invalid: {result.Failure}.");
            }
        }

        LogLoaded(DemoCitizens.All.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} synthetic demo citizens")]
    private partial void LogLoaded(int count);
}

/// <summary>Registers the demo data loader in embedded mode only: a durable hub never gets synthetic people.</summary>
public static class DemoDataExtensions
{
    public static WebApplicationBuilder AddDemoDataWhenEmbedded(this WebApplicationBuilder builder)
    {
        // After UseOrleans: hosted services start in registration order, so the silo is up before the loader runs.
        if (builder.Configuration.GetStorageMode() == StorageMode.Embedded)
        {
            builder.Services.AddHostedService<DemoDataLoader>();
        }

        return builder;
    }
}
