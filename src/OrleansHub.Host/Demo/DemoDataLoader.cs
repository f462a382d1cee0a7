using System.IO.Pipelines;
using OrleansHub.Grains;
using OrleansHub.Host.Citizens.Import;
using OrleansHub.Host.Hosting;
using OrleansHub.Synthetic;
using OrleansHub.Synthetic.Formats;

namespace OrleansHub.Host.Demo;

/// <summary>
/// Loads a small synthetic population in embedded mode, through the same import path an operator uses, so a newcomer
/// can call the hub at once: the showcase citizens in <c>demo-citizens.ndjson</c> (fixed IDs the README uses) and
/// <see cref="GeneratedCitizens"/> more from the seeded generator.
/// </summary>
public sealed partial class DemoDataLoader(
    CitizenImporter importer,
    [FromKeyedServices(HubClock.Key)] TimeProvider time,
    ILogger<DemoDataLoader> logger) : IHostedService
{
    public const int GeneratedCitizens = 1000;
    private const int Seed = 2026;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var showcase = typeof(DemoDataLoader).Assembly.GetManifestResourceStream("Demo/demo-citizens.ndjson")!;
        var loaded = await ImportAsync(showcase, cancellationToken);

        using var generated = new MemoryStream();
        using (var writer = new NdjsonCitizenWriter(generated, leaveOpen: true))
        {
            foreach (var citizen in new PopulationGenerator(Seed, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)).Generate(GeneratedCitizens))
            {
                writer.Write(citizen);
            }
        }

        generated.Position = 0;
        loaded += await ImportAsync(generated, cancellationToken);
        LogLoaded(loaded);
    }

    private async Task<long> ImportAsync(Stream ndjson, CancellationToken cancellationToken)
    {
        var rejected = 0;
        var summary = await importer.RunAsync(ImportReaders.ReadNdjsonAsync(PipeReader.Create(ndjson), cancellationToken), _ =>
        {
            rejected++;
            return Task.CompletedTask;
        }, cancellationToken);
        return rejected == 0
            ? summary.Lines
            : throw new InvalidOperationException($"{rejected} demo record(s) were rejected; the demo data no longer matches the registry's rules.");
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
