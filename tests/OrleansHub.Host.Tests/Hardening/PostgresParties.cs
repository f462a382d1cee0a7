using System.Security.Cryptography;
using OrleansHub.Host.Tests.Consents;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// The authorization parties on hub processes in PostgreSQL mode, run as in production: strong random keys, and the e-ID
/// issuer configured as a deployment does, its signing key held here so the parties' citizens can sign in. Subclasses start
/// the processes (on a database of their own, from the collection's server) in <c>StartAsync</c>.
/// </summary>
public abstract class PostgresParties : AuthorizationParties
{
    private readonly ECDsa _issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _issuer;
    private readonly string _audience;

    protected PostgresParties(string name)
        : base(factory: null, $"op-{Guid.NewGuid():N}", $"vss-{Guid.NewGuid():N}")
    {
        _issuer = $"https://eid.{name}.example.vn";
        _audience = $"orleanshub-{name}";
    }

    /// <summary>Serializes the one start of the processes.</summary>
    protected SemaphoreSlim Starting { get; } = new(1, 1);

    // Started by the subclass's StartAsync, with the collection's PostgreSQL server.
    public override Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Creates the parties once the processes run (what <see cref="InitializeAsync"/> does for an in-process hub).</summary>
    protected Task CreatePartiesAsync() => base.InitializeAsync();

    /// <summary>The settings every process gets: the parties' keys, the e-ID issuer, webhooks to this machine over http.</summary>
    protected Dictionary<string, string> HubSettings() => new()
    {
        ["Hub__Operator__ApiKey"] = OperatorKey,
        [$"Hub__Providers__Agencies__{ProviderCode}__ApiKey"] = ProviderKey,
        ["Hub__CitizenTokens__Issuer"] = _issuer,
        ["Hub__CitizenTokens__Audience"] = _audience,
        ["Hub__CitizenTokens__PublicKeyPem"] = _issuerKey.ExportSubjectPublicKeyInfoPem(),
        ["Hub__Webhooks__RequireHttps"] = "false",
        ["Hub__Webhooks__AllowPrivateNetworks"] = "true",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _issuerKey.Dispose();
        Starting.Dispose();
    }

    /// <summary>A token of the configured e-ID issuer, whose key this fixture holds.</summary>
    protected override Task<string> IssueTokenAsync(string citizenId)
    {
        var token = CitizenTokens.Sign(_issuerKey, CitizenTokens.Descriptor(citizenId, _issuer, _audience));
        RememberSecret(token);
        return Task.FromResult(token);
    }
}
