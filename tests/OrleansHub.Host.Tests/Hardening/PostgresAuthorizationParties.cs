using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Postgres;
using OrleansHub.Host.Tests.Contract;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// The authorization matrix's parties on a hub process in PostgreSQL mode run as in production (the runtime login, strong
/// keys, the e-ID issuer configured as a deployment does), on a database of its own whose owner, the test, may create
/// triggers: so a test can make the real audit tables refuse writes. Demo agencies are not loaded on PostgreSQL, so the
/// bank the parties' consents name (VCB) is registered first.
/// </summary>
public sealed class PostgresAuthorizationParties() : PostgresParties("failing-audit")
{
    private HubProcess? _silo;

    /// <summary>The hub's database, as its owner (the server's superuser).</summary>
    public string ConnectionString { get; private set; } = "";

    public override HttpClient CreateClient() =>
        ContractCheckingHandler.CreateClient((_silo ?? throw new InvalidOperationException("Call StartAsync first.")).Client.BaseAddress!, TimeSpan.FromSeconds(60));

    /// <summary>Starts the silo on a new database of <paramref name="postgres"/> and creates the parties, once.</summary>
    public async Task StartAsync(PostgresServer postgres)
    {
        await Starting.WaitAsync();
        try
        {
            if (_silo is not null)
            {
                return;
            }

            ConnectionString = await postgres.CreateDatabaseAsync();
            _silo = await HubProcess.StartAsync(ConnectionString, $"parties-{Guid.NewGuid():N}", HubSettings());
            await RegisterConsentingBankAsync();
            await CreatePartiesAsync();
        }
        finally
        {
            Starting.Release();
        }
    }

    public override async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
