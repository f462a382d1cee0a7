using System.Security.Cryptography;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Consents;
using OrleansHub.Host.Tests.Postgres;
using OrleansHub.Host.Tests.Contract;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// The authorization matrix's parties on a hub process in PostgreSQL mode run as in production (the runtime login, strong
/// keys, the e-ID issuer configured as a deployment does), on a database of its own whose owner, the test, may create
/// triggers: so a test can make the real audit tables refuse writes. Demo agencies are not loaded on PostgreSQL, so the
/// bank the parties' consents name (VCB) is registered first.
/// </summary>
public sealed class PostgresAuthorizationParties : AuthorizationParties
{
    private const string Issuer = "https://eid.failing-audit.example.vn";
    private const string Audience = "orleanshub-failing-audit";

    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly ECDsa _issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private HubProcess? _silo;

    public PostgresAuthorizationParties()
        : this($"op-{Guid.NewGuid():N}", $"vss-{Guid.NewGuid():N}")
    {
    }

    private PostgresAuthorizationParties(string operatorKey, string providerKey)
        : base(factory: null, operatorKey, providerKey)
    {
    }

    /// <summary>The hub's database, as its owner (the server's superuser).</summary>
    public string ConnectionString { get; private set; } = "";

    public override HttpClient CreateClient() =>
        ContractCheckingHandler.CreateClient((_silo ?? throw new InvalidOperationException("Call StartAsync first.")).Client.BaseAddress!, TimeSpan.FromSeconds(60));

    // Started by StartAsync, with the collection's PostgreSQL server.
    public override Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Starts the silo on a new database of <paramref name="postgres"/> and creates the parties, once.</summary>
    public async Task StartAsync(PostgresServer postgres)
    {
        await _starting.WaitAsync();
        try
        {
            if (_silo is not null)
            {
                return;
            }

            ConnectionString = await postgres.CreateDatabaseAsync();
            _silo = await HubProcess.StartAsync(ConnectionString, $"parties-{Guid.NewGuid():N}", new Dictionary<string, string>
            {
                ["Hub__Operator__ApiKey"] = OperatorKey,
                [$"Hub__Providers__Agencies__{ProviderCode}__ApiKey"] = ProviderKey,
                ["Hub__CitizenTokens__Issuer"] = Issuer,
                ["Hub__CitizenTokens__Audience"] = Audience,
                ["Hub__CitizenTokens__PublicKeyPem"] = _issuerKey.ExportSubjectPublicKeyInfoPem(),
                ["Hub__Webhooks__RequireHttps"] = "false",
                ["Hub__Webhooks__AllowPrivateNetworks"] = "true",
            });
            await RegisterConsentingBankAsync();
            await base.InitializeAsync();
        }
        finally
        {
            _starting.Release();
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _issuerKey.Dispose();
        _starting.Dispose();
    }

    /// <summary>A token of the configured e-ID issuer, whose key this fixture holds.</summary>
    protected override Task<string> IssueTokenAsync(string citizenId)
    {
        var token = CitizenTokens.Sign(_issuerKey, CitizenTokens.Descriptor(citizenId, Issuer, Audience));
        RememberSecret(token);
        return Task.FromResult(token);
    }
}
