using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Consents;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using OrleansHub.Host.Tests.Contract;

namespace OrleansHub.Host.Tests.Lookups;

/// <summary>
/// Two hub processes (silos A and B) of one cluster on one fresh PostgreSQL database, with a configured e-ID issuer
/// whose key the tests hold, started on first use and shared by one test class. Each test registers its own agencies
/// and citizens.
/// </summary>
public sealed class TwoSiloHub : IAsyncLifetime
{
    public const string Issuer = "https://eid.test.example.vn";
    public const string Audience = "orleanshub-test";

    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly ECDsa _issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private HubProcess? _a;
    private HubProcess? _b;

    public HubProcess A => _a ?? throw new InvalidOperationException("Call StartAsync first.");

    public HubProcess B => _b ?? throw new InvalidOperationException("Call StartAsync first.");

    /// <summary>The database both silos use (the server's superuser can reach it).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The Orleans cluster ID both silos share.</summary>
    public string ClusterId { get; private set; } = "";

    /// <summary>
    /// Starts both silos on a new database of <paramref name="postgres"/> once, with <paramref name="settings"/> added to
    /// the defaults (the first call's count); later calls return at once.
    /// </summary>
    public async Task StartAsync(PostgresServer postgres, IReadOnlyDictionary<string, string>? settings = null)
    {
        await _starting.WaitAsync();
        try
        {
            if (_b is not null)
            {
                return;
            }

            ConnectionString = await postgres.CreateDatabaseAsync();
            var clusterId = ClusterId = $"lookups-{Guid.NewGuid():N}";
            var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
            {
                ["Hub__CitizenTokens__Issuer"] = Issuer,
                ["Hub__CitizenTokens__Audience"] = Audience,
                ["Hub__CitizenTokens__PublicKeyPem"] = _issuerKey.ExportSubjectPublicKeyInfoPem(),
            };
            // Started together: the silos apply the migrations under an advisory lock.
            var a = HubProcess.StartAsync(ConnectionString, clusterId, all);
            var b = HubProcess.StartAsync(ConnectionString, clusterId, all);
            try
            {
                _a = await a;
                _b = await b;
            }
            catch
            {
                await DisposeStartedAsync(a, b);
                throw;
            }

            await WaitUntilBothActiveAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _starting.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        _issuerKey.Dispose();
        _starting.Dispose();
    }

    /// <summary>A client signed in as <paramref name="citizenId"/> through <paramref name="silo"/>, with a token of the configured issuer.</summary>
    public HttpClient Citizen(HubProcess silo, string citizenId) =>
        ContractCheckingHandler.CreateClient(silo.Client.BaseAddress!).WithBearer(CitizenTokens.Sign(_issuerKey, CitizenTokens.Descriptor(citizenId, Issuer, Audience)));

    /// <summary>A client of <paramref name="silo"/> presenting the agency key <paramref name="key"/>.</summary>
    public static HttpClient Agency(HubProcess silo, string key) => ContractCheckingHandler.CreateClient(silo.Client.BaseAddress!).WithBearer(key);

    /// <summary>A fresh citizen the registry wrote through silo A.</summary>
    public async Task<string> NewCitizenAsync(string fullName)
    {
        var id = TestIds.NewCitizen();
        var created = await A.Client.PutCitizenAsync(id, fullName, TestIds.DateOfBirth, TestIds.Sex);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return id;
    }

    /// <summary>Registers a fresh agency through silo A (fullName and dateOfBirth for <paramref name="purpose"/>); returns its code.</summary>
    public async Task<string> NewAgencyAsync(string name, bool commercial, string purpose)
    {
        var code = $"T{Random.Shared.Next(10_000_000, 99_999_999)}";
        var registered = await A.Client.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name,
            kind = commercial ? "commercial" : "state",
            status = "active",
            fields = new[] { "fullName", "dateOfBirth" },
            purposes = new[] { purpose },
            requiresConsent = commercial,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        return code;
    }

    /// <summary>Issues a key for <paramref name="code"/> through silo A; returns its ID and the secret key.</summary>
    public async Task<(string KeyId, string Key)> IssueKeyAsync(string code)
    {
        var issued = await A.Client.PostAsync($"/admin/agencies/{code}/keys", null);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await issued.ReadJsonAsync();
        return (body.GetProperty("keyId").GetString()!, body.GetProperty("key").GetString()!);
    }

    private async Task WaitUntilBothActiveAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seenByA = await A.GetSiloStatusesAsync();
            var seenByB = await B.GetSiloStatusesAsync();
            bool BothActive(Dictionary<int, string> s) =>
                s.GetValueOrDefault(A.SiloPort) == "Active" && s.GetValueOrDefault(B.SiloPort) == "Active";
            if (BothActive(seenByA) && BothActive(seenByB))
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The two silos did not see each other as active within {timeout}.\nA:\n{A.Output}\nB:\n{B.Output}");
            }

            await Task.Delay(250);
        }
    }

    private static async Task DisposeStartedAsync(params Task<HubProcess>[] starts)
    {
        foreach (var start in starts)
        {
            if (start.IsCompletedSuccessfully)
            {
                await start.Result.DisposeAsync();
            }
            else
            {
                try
                {
                    await (await start).DisposeAsync();
                }
                catch (Exception)
                {
                    // It failed to start; the first failure is the one reported.
                }
            }
        }
    }
}
