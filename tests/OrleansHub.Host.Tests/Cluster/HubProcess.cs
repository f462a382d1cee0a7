using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Contract;

namespace OrleansHub.Host.Tests.Cluster;

/// <summary>
/// One hub as an operator runs it: a separate OS process of the built host, on its own HTTP, silo and gateway
/// ports, in PostgreSQL mode, with mutual TLS between silos (the tests' development cluster certificates). Killing it is
/// a real kill -9.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    /// <summary>A key as strong as a real one: the hub refuses published and weak keys outside Development.</summary>
    public const string OperatorKey = "PmGvLpXInxzIfSHmCSITgpt2pTYepGhM+2y6Nskb";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Action<string>? _everyLine;

    private static readonly Lazy<DevelopmentClusterCertificates.Files> SharedCertificates = new(() =>
        DevelopmentClusterCertificates.Create(Path.Combine(Path.GetTempPath(), $"orleanshub-tests-tls-{Guid.NewGuid():N}"), "OrleansHub test cluster"));

    private HubProcess(Process process, int httpPort, int siloPort, int gatewayPort, Action<string>? everyLine)
    {
        _process = process;
        _everyLine = everyLine;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Client = ContractCheckingHandler.CreateClient(new Uri($"http://127.0.0.1:{httpPort}"), TimeSpan.FromSeconds(30)).WithBearer(OperatorKey);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int HttpPort { get; }

    public int SiloPort { get; }

    /// <summary>The port the hub is told to open a client gateway on (Hub:Cluster:GatewayPort); no longer honoured.</summary>
    public int GatewayPort { get; }

    /// <summary>The certificates every test silo presents unless told otherwise: one CA and one silo certificate it signed.</summary>
    public static DevelopmentClusterCertificates.Files ClusterCertificates => SharedCertificates.Value;

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the process printed last (400 lines), for failure messages; every line goes to the <c>everyLine</c> given at start.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Path of the host assembly built beside the tests.</summary>
    public static string HostAssembly => Path.Combine(AppContext.BaseDirectory, "OrleansHub.Host.dll");

    /// <summary>
    /// Starts a silo of cluster <paramref name="clusterId"/> and waits until it reports ready. The silo runs as the runtime
    /// role (<see cref="DatabaseRoles.Runtime"/>) and migrates as the owner, the login of <paramref name="connectionString"/>.
    /// Each line it prints (stdout and stderr, none dropped) is passed to <paramref name="everyLine"/> when given.
    /// </summary>
    public static async Task<HubProcess> StartAsync(
        string connectionString, string clusterId, IReadOnlyDictionary<string, string>? settings = null, Action<string>? everyLine = null)
    {
        await DatabaseRoles.EnsureRuntimeRoleAsync(connectionString);
        var hub = Launch(connectionString, clusterId, settings, everyLine);
        try
        {
            await hub.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }

        return hub;
    }

    /// <summary>Starts a silo of cluster <paramref name="clusterId"/> without waiting for it; <paramref name="settings"/> win over the defaults. The runtime role must exist (a silo started by <see cref="StartAsync"/> made it).</summary>
    public static HubProcess Launch(
        string connectionString, string clusterId, IReadOnlyDictionary<string, string>? settings = null, Action<string>? everyLine = null)
    {
        var (httpPort, siloPort, gatewayPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var start = new ProcessStartInfo("dotnet", [HostAssembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__PostgresOwner"] = connectionString,
            ["ConnectionStrings__Postgres"] = DatabaseRoles.RuntimeConnectionString(connectionString),
            ["Hub__Audit__KeyId"] = DatabaseRoles.AuditKeyId,
            [$"Hub__Audit__Keys__{DatabaseRoles.AuditKeyId}"] = DatabaseRoles.AuditKey,
            ["Hub__Operator__ApiKey"] = OperatorKey,
            ["Hub__Cluster__ClusterId"] = clusterId,
            ["Hub__Cluster__ServiceId"] = "orleanshub-tests",
            ["Hub__Cluster__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub__Cluster__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub__Cluster__AdvertisedAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in ClusterCertificates.Environment)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new HubProcess(Process.Start(start)!, httpPort, siloPort, gatewayPort, everyLine);
    }

    /// <summary>Whether the process answers /health/ready with a success right now.</summary>
    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Client.GetAsync("/health/ready");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Waits until the process exits on its own; false if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>kill -9: no shutdown code runs, the silo just vanishes from the network.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator sends it, then waits for the process to exit on its own.</summary>
    public async Task StopGracefullyAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
    }

    /// <summary>The membership table as this silo reports it: silo port to status.</summary>
    public async Task<Dictionary<int, string>> GetSiloStatusesAsync()
    {
        var silos = await Client.GetFromJsonAsync<JsonElement>("/admin/cluster/silos");
        return silos.EnumerateArray()
            .GroupBy(s => int.Parse(s.GetProperty("address").GetString()!.Split(':', '@')[1], System.Globalization.CultureInfo.InvariantCulture))
            // A restarted silo reuses its port with a new generation; the newest row speaks for the port.
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.GetProperty("startedAt").GetDateTime()).Last().GetProperty("status").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                // HasExited can be seen before the last lines were read: waiting for the exit again drains the output.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"The hub exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await Client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The hub was not ready within {timeout}:\n{Output}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _everyLine?.Invoke(line);
        _output.Enqueue(line);
        while (_output.Count > 400 && _output.TryDequeue(out _))
        {
        }
    }
}
