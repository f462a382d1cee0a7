using System.IO.Pipelines;
using OrleansHub.Host.Citizens.Import;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Demo;

/// <summary>
/// Loads a small synthetic population in embedded mode, through the same import path an operator uses, so a newcomer
/// can call the hub at once. The showcase citizens in <c>demo-citizens.ndjson</c> have fixed IDs the README uses.
/// </summary>
public sealed partial class DemoDataLoader(CitizenImporter importer, ILogger<DemoDataLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var file = typeof(DemoDataLoader).Assembly.GetManifestResourceStream("Demo/demo-citizens.ndjson")!;
        var rejected = 0;
        var summary = await importer.RunAsync(ImportReaders.ReadNdjsonAsync(PipeReader.Create(file), cancellationToken), _ =>
        {
            rejected++;
            return Task.CompletedTask;
        }, cancellationToken);
        if (rejected > 0)
        {
            throw new InvalidOperationException($"{rejected} demo record(s) were rejected; the demo data no longer matches the registry's rules.");
        }

        LogLoaded(summary.Lines);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} synthetic demo citizens")]
    private partial void LogLoaded(long count);
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
