using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using OrleansHub.Ops.Tests.Infrastructure;

namespace OrleansHub.Ops.Tests.Live;

/// <summary>
/// A two-silo hub in PostgreSQL mode (real processes), some agency traffic through both silos, and a real Prometheus
/// on a free loopback port that scrapes both silos every second and evaluates the shipped alert rules.
/// </summary>
public sealed class ObservedHub : IAsyncLifetime
{
    public const string Purpose = "tax-registration";

    /// <summary>A password in the silos' connection string, which the Npgsql pool name label must leave out.</summary>
    public const string DatabasePassword = "ops-test-secret-4f1c";

    private const string Issuer = "https://eid.ops-test.example.vn";
    private const string Audience = "orleanshub-ops-test";

    private readonly PostgresServer _postgres = new();
    private readonly ECDsa _issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly List<HubProcess> _silos = [];
    private Process? _prometheus;
    private string? _prometheusFolder;

    public IReadOnlyList<HubProcess> Silos => _silos;

    public HttpClient Prometheus { get; private set; } = new();

    /// <summary>The agency the traffic was sent as.</summary>
    public string AgencyCode { get; } = $"T{Random.Shared.Next(10_000_000, 99_999_999)}";

    /// <summary>The citizens the traffic named, to prove none of them reaches a metric.</summary>
    public List<string> CitizenIds { get; } = [];

    /// <summary>What the traffic sent, per kind, to compare with what Prometheus counted.</summary>
    public Dictionary<string, int> Sent { get; } = [];

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        // The private server trusts loopback, so the password is never checked; it is there to prove it never reaches /metrics.
        var database = await _postgres.CreateDatabaseAsync() + ";Password=" + DatabasePassword;
        var clusterId = $"ops-{Guid.NewGuid():N}";
        // Started together: the silos apply the migrations under an advisory lock.
        // A configured e-ID issuer, so a citizen can consent to the charged bank below.
        var settings = new Dictionary<string, string>
        {
            ["Hub__CitizenTokens__Issuer"] = Issuer,
            ["Hub__CitizenTokens__Audience"] = Audience,
            ["Hub__CitizenTokens__PublicKeyPem"] = _issuerKey.ExportSubjectPublicKeyInfoPem(),
            // A webhook receiver on loopback, as in development.
            ["Hub__Webhooks__RequireHttps"] = "false",
            ["Hub__Webhooks__AllowPrivateNetworks"] = "true",
            ["Hub__Webhooks__InitialRetryDelay"] = "00:00:00.200",
            ["Hub__Webhooks__SweepInterval"] = "00:00:01",
        };
        var starts = new[] { HubProcess.StartAsync(database, clusterId, settings), HubProcess.StartAsync(database, clusterId, settings) };
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            // Kept even when the other one failed, so DisposeAsync stops every process that did start.
            _silos.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
        }

        await StartPrometheusAsync();
        await DriveTrafficAsync();
    }

    public async Task DisposeAsync()
    {
        Prometheus.Dispose();
        if (_prometheus is { HasExited: false })
        {
            _prometheus.Kill(entireProcessTree: true);
            await _prometheus.WaitForExitAsync();
        }

        _prometheus?.Dispose();
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _postgres.DisposeAsync();
        _issuerKey.Dispose();
        if (_prometheusFolder is not null)
        {
            Directory.Delete(_prometheusFolder, recursive: true);
        }
    }

    /// <summary>Runs an instant query; returns Prometheus' whole answer (status, error, data).</summary>
    public async Task<JsonElement> QueryAsync(string expression)
    {
        using var response = await Prometheus.PostAsync("/api/v1/query", new FormUrlEncodedContent(new Dictionary<string, string> { ["query"] = expression }));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Polls <paramref name="expression"/> until it returns at least one series (scrapes are 1 s apart) or the time is up.</summary>
    public async Task<JsonElement> QueryUntilSeriesAsync(string expression, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await QueryAsync(expression);
            if (answer.GetProperty("status").GetString() != "success" || SeriesCount(answer) > 0 || clock.Elapsed > timeout)
            {
                return answer;
            }

            await Task.Delay(500);
        }
    }

    public static int SeriesCount(JsonElement answer) =>
        answer.TryGetProperty("data", out var data) && data.GetProperty("resultType").GetString() is "vector" or "matrix"
            ? data.GetProperty("result").GetArrayLength()
            : answer.TryGetProperty("data", out _) ? 1 : 0;

    private async Task StartPrometheusAsync()
    {
        _prometheusFolder = Directory.CreateTempSubdirectory("orleanshub-prometheus-").FullName;
        var port = FreePort.Next();
        var targets = string.Join(", ", _silos.Select(s => $"\"127.0.0.1:{s.HttpPort}\""));
        var config = Path.Combine(_prometheusFolder, "prometheus.yml");
        // The shipped rules, evaluated every second, so a rule Prometheus cannot evaluate shows in /api/v1/rules.
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - {OpsFiles.AlertRulesPath}
            scrape_configs:
              - job_name: orleanshub
                static_configs:
                  - targets: [{targets}]
            """);
        var start = new ProcessStartInfo(PrometheusTools.Prometheus,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(_prometheusFolder, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _prometheusFolder,
        };
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _prometheus = Process.Start(start)!;
        _prometheus.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        _prometheus.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        _prometheus.BeginOutputReadLine();
        _prometheus.BeginErrorReadLine();
        Prometheus = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_prometheus.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited with code {_prometheus.ExitCode}:\n{string.Join('\n', output)}");
            }

            try
            {
                using var ready = await Prometheus.GetAsync("/-/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Prometheus was not ready within 60 s:\n{string.Join('\n', output)}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Answered and refused lookups, a batch, verifications, an invalid request and a bad key, through both silos,
    /// in rounds a few seconds apart so every counter has several scraped samples.
    /// </summary>
    private async Task DriveTrafficAsync()
    {
        var operatorClient = _silos[0].Client;
        var registered = await operatorClient.PutAsJsonAsync($"/admin/agencies/{AgencyCode}", new
        {
            name = "Ops test agency",
            kind = "state",
            status = "active",
            fields = new[] { "fullName", "dateOfBirth" },
            purposes = new[] { Purpose },
            requiresConsent = false,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var issued = await operatorClient.PostAsync($"/admin/agencies/{AgencyCode}/keys", null);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var key = (await issued.ReadJsonAsync()).GetProperty("key").GetString()!;

        for (var i = 0; i < 2; i++)
        {
            var id = TestIds.NewCitizen();
            var created = await operatorClient.PutCitizenAsync(id, "Nguyễn Văn Kiểm", TestIds.DateOfBirth, TestIds.Sex);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            CitizenIds.Add(id);
        }

        await DriveChangePropagationAsync(key);
        await DriveChargedAndLimitedBankAsync();

        const int rounds = 3;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var silo in _silos)
            {
                using var agency = new HttpClient { BaseAddress = silo.Client.BaseAddress }.WithBearer(key);
                using var stranger = new HttpClient { BaseAddress = silo.Client.BaseAddress }.WithBearer("ohk_X_not-a-real-key");
                await Expect(agency.PostAsJsonAsync("/v1/lookups", new { citizenId = CitizenIds[0], fields = new[] { "fullName" }, purpose = Purpose }), HttpStatusCode.OK, "lookup-answered");
                await Expect(agency.PostAsJsonAsync("/v1/lookups", new { citizenId = CitizenIds[0], fields = new[] { "bloodType" }, purpose = Purpose }), HttpStatusCode.Forbidden, "lookup-field-not-in-agreement");
                await Expect(agency.PostAsJsonAsync("/v1/lookups", new { citizenId = "12345", fields = new[] { "fullName" }, purpose = Purpose }), HttpStatusCode.BadRequest, "lookup-validation-failed");
                await Expect(agency.PostAsJsonAsync("/v1/lookups/batch", new { citizenIds = CitizenIds, fields = new[] { "fullName" }, purpose = Purpose }), HttpStatusCode.OK, "batch-answered");
                await Expect(agency.PostAsJsonAsync("/v1/verifications", new
                {
                    citizenId = CitizenIds[1],
                    purpose = Purpose,
                    claims = new Dictionary<string, string> { ["fullName"] = "Nguyễn Văn Kiểm" },
                }), HttpStatusCode.OK, "verification-answered");
                await Expect(agency.PostAsJsonAsync("/v1/lookups/batch", new { citizenIds = CitizenIds, fields = new[] { "bloodType" }, purpose = Purpose }), HttpStatusCode.Forbidden, "batch-field-not-in-agreement");
                await Expect(agency.PostAsJsonAsync("/v1/verifications", new
                {
                    citizenId = CitizenIds[1],
                    purpose = Purpose,
                    claims = new Dictionary<string, string> { ["bloodType"] = "O+" },
                }), HttpStatusCode.Forbidden, "verification-field-not-in-agreement");
                await Expect(stranger.PostAsJsonAsync("/v1/lookups", new { citizenId = CitizenIds[0], fields = new[] { "fullName" }, purpose = Purpose }), HttpStatusCode.Unauthorized, "unauthenticated");
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>
    /// The agency follows a citizen through silo 1 and has a webhook; a name change through silo 0 reaches its feed (a
    /// long-poll on silo 1) and its webhook, whose receiver refuses the first attempt so a retry is counted too.
    /// </summary>
    private static async Task AnswerChallengeAsync(HttpListener receiver)
    {
        var context = await receiver.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.InputStream);
        var echo = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { challenge = body.RootElement.GetProperty("challenge").GetString() });
        context.Response.StatusCode = (int)HttpStatusCode.OK;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(echo);
        context.Response.Close();
    }

    private async Task DriveChangePropagationAsync(string key)
    {
        using var agency = new HttpClient { BaseAddress = _silos[^1].Client.BaseAddress }.WithBearer(key);
        using var receiver = new HttpListener();
        var hook = $"http://127.0.0.1:{FreePort.Next()}/hook/";
        receiver.Prefixes.Add(hook);
        receiver.Start();
        // A new webhook takes effect once its endpoint echoes the hub's signed verification challenge.
        var challenge = AnswerChallengeAsync(receiver);
        await Expect(agency.PutAsJsonAsync("/v1/webhook", new { url = hook }), HttpStatusCode.Created, "webhook");
        await challenge;
        await Expect(agency.PutAsJsonAsync($"/v1/subscriptions/citizens/{CitizenIds[0]}", new { purpose = Purpose }), HttpStatusCode.Created, "subscription");
        var waiting = agency.GetAsync("/v1/feed?after=0&wait=20");
        await Expect(_silos[0].Client.PatchCitizenAsync(CitizenIds[0], new { fullName = "Nguyễn Văn Kiểm Tra" }), HttpStatusCode.OK, "name-corrected");
        using var fed = await waiting;
        var events = (await fed.ReadJsonAsync()).GetProperty("events");
        Assert.True(events.GetArrayLength() == 1, $"expected the name change in the feed, got {events}");
        Sent["delivered-pull"] = 1;

        foreach (var answer in new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.NoContent })
        {
            var delivery = await receiver.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30));
            delivery.Response.StatusCode = (int)answer;
            delivery.Response.Close();
        }

        (Sent["webhook-failed"], Sent["webhook-delivered"]) = (1, 1);
    }

    /// <summary>
    /// A commercial bank with the citizen's consent (so its answers are charged) and a quota of burst 100: 110 lookups at
    /// once are answered and charged up to the burst, and the rest refused 429.
    /// </summary>
    private async Task DriveChargedAndLimitedBankAsync()
    {
        var operatorClient = _silos[0].Client;
        var bank = $"B{Random.Shared.Next(10_000_000, 99_999_999)}";
        Assert.True((await operatorClient.PutAsJsonAsync($"/admin/agencies/{bank}", new
        {
            name = "Ops test bank", kind = "commercial", status = "active", fields = new[] { "fullName" }, purposes = new[] { "kyc-onboarding" }, requiresConsent = true,
        })).IsSuccessStatusCode);
        Assert.True((await operatorClient.PutAsJsonAsync($"/admin/agencies/{bank}/quota", new { ratePerSecond = 1, burst = 100 })).IsSuccessStatusCode);
        var issued = await operatorClient.PostAsync($"/admin/agencies/{bank}/keys", null);
        var key = (await issued.ReadJsonAsync()).GetProperty("key").GetString()!;

        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = Audience, IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(15),
            Claims = new Dictionary<string, object> { ["sub"] = CitizenIds[1] },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_issuerKey), SecurityAlgorithms.EcdsaSha256),
        });
        using var citizen = new HttpClient { BaseAddress = operatorClient.BaseAddress }.WithBearer(token);
        var consent = await citizen.PostAsJsonAsync("/me/consents", new
        {
            agencyCode = bank, purpose = "kyc-onboarding", purposeText = "Mở tài khoản", fields = new[] { "fullName" },
            validUntil = DateTimeOffset.UtcNow.AddDays(30), retentionDays = 365,
        });
        Assert.True(consent.StatusCode == HttpStatusCode.Created, await consent.Content.ReadAsStringAsync());

        using var agency = new HttpClient { BaseAddress = operatorClient.BaseAddress }.WithBearer(key);
        var answers = await Task.WhenAll(Enumerable.Range(0, 110).Select(_ =>
            agency.PostAsJsonAsync("/v1/lookups", new { citizenId = CitizenIds[1], fields = new[] { "fullName" }, purpose = "kyc-onboarding" })));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, a.StatusCode.ToString()));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.TooManyRequests);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    private async Task Expect(Task<HttpResponseMessage> sending, HttpStatusCode status, string kind)
    {
        using var response = await sending;
        Assert.True(status == response.StatusCode, $"{kind}: expected {status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Sent[kind] = Sent.GetValueOrDefault(kind) + 1;
    }
}

[CollectionDefinition(Name)]
public sealed class ObservedHubCollection : ICollectionFixture<ObservedHub>
{
    public const string Name = "observed-hub";
}
