using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Telemetry;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Audit;

/// <summary>
/// The audit services exactly as <c>AddHubAudit</c> registers them for one storage mode, in a container of their own,
/// with the writer started on demand (tests queue appends first when they want them to share a batch).
/// </summary>
public sealed class AuditServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private bool _started;

    private AuditServices(ServiceProvider provider) => _provider = provider;

    public GroupCommitAuditLog Writer => _provider.GetRequiredService<GroupCommitAuditLog>();

    public IAuditLog Log => _provider.GetRequiredService<IAuditLog>();

    public IAuditReader Reader => _provider.GetRequiredService<IAuditReader>();

    public IDisputeStore Disputes => _provider.GetRequiredService<IDisputeStore>();

    public AuditVerifier Verifier => _provider.GetRequiredService<AuditVerifier>();

    /// <summary>One writer by default, so batches and their sequence numbers are predictable.</summary>
    public static AuditServices Create(string? postgresConnectionString, int maxBatchEntries = 2_000, int writers = 1, bool keyed = false)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"{AuditOptions.Section}:MaxBatchEntries"] = maxBatchEntries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{AuditOptions.Section}:Writers"] = writers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        // The test hubs' audit key is always known, so chains they signed verify here; new batches are signed with it
        // only when keyed.
        settings[$"{AuditOptions.Section}:Keys:{DatabaseRoles.AuditKeyId}"] = DatabaseRoles.AuditKey;
        if (keyed)
        {
            settings[$"{AuditOptions.Section}:KeyId"] = DatabaseRoles.AuditKeyId;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddMetrics()
            .AddSingleton<HubInstruments>();
        if (postgresConnectionString is not null)
        {
            services.AddNpgsqlDataSource(postgresConnectionString);
        }

        services.AddHubAudit(postgresConnectionString is null ? StorageMode.Embedded : StorageMode.Postgres);
        return new AuditServices(services.BuildServiceProvider(validateScopes: true));
    }

    public Task StartAsync()
    {
        _started = true;
        return Writer.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_started)
        {
            await StartAsync();
        }

        await Writer.StopAsync(CancellationToken.None);
        await _provider.DisposeAsync();
    }
}
