using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;
using OrleansHub.Host.Tests.Postgres;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Cluster;

/// <summary>
/// The cluster network as an attacker next to the hub sees it: two real silos on PostgreSQL with mutual TLS. An Orleans
/// client with the cluster's ID, and silos without the cluster's certificate, reach no grain, while the hub keeps serving
/// lookups over HTTP.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class ClusterTrustBoundaryTests(PostgresServer postgres, TwoSiloHub hub, ITestOutputHelper output) : IClassFixture<TwoSiloHub>, IAsyncLifetime
{
    private const string Purpose = "tax-registration";

    // A silo that cannot reach the members gives up joining after this long, so the tests need not wait Orleans' 5 minutes.
    private static readonly TimeSpan JoinAttempt = TimeSpan.FromSeconds(15);

    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OrleansClient_WithTheClusterId_AtTheGatewayOrSiloPorts_CannotCallAnyGrain()
    {
        var citizenId = await hub.NewCitizenAsync("Lê Thị Bí Mật");

        // Where the gateway used to be (the silos are still given Hub:Cluster:GatewayPort), then the silo-to-silo ports.
        var atGateways = await TryReadCitizenAsOutsiderAsync(hub.ClusterId, [hub.A.GatewayPort, hub.B.GatewayPort], citizenId, TimeSpan.FromSeconds(20));
        var atSiloPorts = await TryReadCitizenAsOutsiderAsync(hub.ClusterId, [hub.A.SiloPort, hub.B.SiloPort], citizenId, TimeSpan.FromSeconds(10));

        output.WriteLine($"outsider client at the gateway ports: {atGateways}");
        output.WriteLine($"outsider client at the silo ports: {atSiloPorts}");
        Assert.StartsWith("refused", atGateways, StringComparison.Ordinal);
        Assert.StartsWith("refused", atSiloPorts, StringComparison.Ordinal);
        await AssertLookupServedAsync(citizenId, "Lê Thị Bí Mật");
    }

    [Fact]
    public async Task SiloPort_ListensOnTheAdvertisedAddressOnly()
    {
        // The test silos advertise 127.0.0.1; another address of this machine must not answer on their silo port.
        var other = Dns.GetHostAddresses(Dns.GetHostName())
            .Concat(System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses.Select(a => a.Address)))
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.NotNull(other);
        using var loopback = new System.Net.Sockets.TcpClient();
        await loopback.ConnectAsync(IPAddress.Loopback, hub.A.SiloPort);

        using var elsewhere = new System.Net.Sockets.TcpClient();
        var refused = await Record.ExceptionAsync(() => elsewhere.ConnectAsync(other, hub.A.SiloPort).WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.NotNull(refused);
        output.WriteLine($"silo port {hub.A.SiloPort}: open on 127.0.0.1, on {other}: {refused.GetType().Name}");
    }

    [Fact]
    public async Task Silo_WithCertificateOfAnotherCa_CannotJoin_WhileTheClusterServesLookups()
    {
        var foreign = DevelopmentClusterCertificates.Create(Directory.CreateTempSubdirectory("orleanshub-foreign-ca-").FullName, "Rogue");
        var settings = new Dictionary<string, string>(foreign.Environment)
        {
            ["Hub__Cluster__Membership__MaxJoinAttemptTime"] = JoinAttempt.ToString(),
        };

        await AssertRogueSiloNeverJoinsAsync(settings, "another CA");
    }

    [Fact]
    public async Task Silo_WithoutTls_CannotJoin_WhileTheClusterServesLookups()
    {
        // Development is the only environment in which a PostgreSQL silo may start without TLS.
        var settings = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Hub__Cluster__Tls__CertificatePath"] = "",
            ["Hub__Cluster__Tls__KeyPath"] = "",
            ["Hub__Cluster__Tls__CaCertificatePath"] = "",
            ["Hub__Cluster__Membership__MaxJoinAttemptTime"] = JoinAttempt.ToString(),
        };

        await AssertRogueSiloNeverJoinsAsync(settings, "no TLS");
    }

    [Fact]
    public async Task PostgresSilo_InProduction_WithoutClusterCertificate_RefusesToStart()
    {
        var settings = new Dictionary<string, string>
        {
            ["Hub__Cluster__Tls__CertificatePath"] = "",
            ["Hub__Cluster__Tls__KeyPath"] = "",
            ["Hub__Cluster__Tls__CaCertificatePath"] = "",
        };

        await using var silo = HubProcess.Launch(hub.ConnectionString, hub.ClusterId, settings);

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"A silo without a certificate kept running:\n{silo.Output}");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains("Hub:Cluster:Tls is not configured", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgresSilo_InProduction_WithAForeignSiloCertificate_RefusesToStart()
    {
        var foreign = DevelopmentClusterCertificates.Create(Directory.CreateTempSubdirectory("orleanshub-foreign-ca-").FullName, "Mixed");
        var settings = new Dictionary<string, string>(HubProcess.ClusterCertificates.Environment)
        {
            ["Hub__Cluster__Tls__CertificatePath"] = foreign.SiloCertificate,
            ["Hub__Cluster__Tls__KeyPath"] = foreign.SiloKey,
        };

        await using var silo = HubProcess.Launch(hub.ConnectionString, hub.ClusterId, settings);

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"A silo with a certificate of another CA kept running:\n{silo.Output}");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains("does not chain to the cluster CA", silo.Output, StringComparison.Ordinal);
    }

    /// <summary>Starts a silo of the cluster with <paramref name="settings"/>; it must never be ready nor become Active.</summary>
    private async Task AssertRogueSiloNeverJoinsAsync(IReadOnlyDictionary<string, string> settings, string what)
    {
        var citizenId = await hub.NewCitizenAsync("Phạm Văn Kín");
        var clock = Stopwatch.StartNew();
        await using var rogue = HubProcess.Launch(hub.ConnectionString, hub.ClusterId, settings);

        // Until it gives up joining (or longer, if it never does): never ready, never Active, and the cluster serves meanwhile.
        var lookups = 0;
        while (!rogue.HasExited && clock.Elapsed < JoinAttempt + TimeSpan.FromSeconds(45))
        {
            Assert.False(await rogue.IsReadyAsync(), $"The silo with {what} joined the cluster:\n{rogue.Output}");
            var statuses = await hub.A.GetSiloStatusesAsync();
            Assert.NotEqual("Active", statuses.GetValueOrDefault(rogue.SiloPort));
            await AssertLookupServedAsync(citizenId, "Phạm Văn Kín");
            lookups++;
            await Task.Delay(500);
        }

        output.WriteLine($"silo with {what}: exited={rogue.HasExited} after {clock.Elapsed.TotalSeconds:F1} s; {lookups} lookups served meanwhile");
        Assert.True(rogue.HasExited, $"The silo with {what} neither joined nor gave up:\n{rogue.Output}");
        Assert.NotEqual(0, rogue.ExitCode);
        Assert.NotEqual("Active", (await hub.B.GetSiloStatusesAsync()).GetValueOrDefault(rogue.SiloPort));
        output.WriteLine(string.Join('\n', rogue.Output.Split('\n').TakeLast(5)));
        await AssertLookupServedAsync(citizenId, "Phạm Văn Kín");
    }

    private async Task AssertLookupServedAsync(string citizenId, string fullName)
    {
        var code = _agency ??= await hub.NewAgencyAsync("Tổng cục Thuế (thử)", commercial: false, Purpose);
        _key ??= (await hub.IssueKeyAsync(code)).Key;
        foreach (var silo in new[] { hub.A, hub.B })
        {
            using var agency = TwoSiloHub.Agency(silo, _key);
            var response = await agency.LookupAsync(citizenId, Purpose, "fullName");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(fullName, (await response.ReadJsonAsync()).GetProperty("fields").GetProperty("fullName").GetProperty("value").GetString());
        }
    }

    private string? _agency;
    private string? _key;

    /// <summary>What an outsider's Orleans client gets: "READ ..." if it read the citizen, else why it could not.</summary>
    private static async Task<string> TryReadCitizenAsOutsiderAsync(string clusterId, int[] ports, string citizenId, TimeSpan patience)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(ports.Select(port => new IPEndPoint(IPAddress.Loopback, port)).ToArray());
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "orleanshub-tests";
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await host.StartAsync(timeout.Token);
            var record = await host.Services.GetRequiredService<IClusterClient>().GetGrain<ICitizenGrain>(citizenId).GetAsync().WaitAsync(timeout.Token);
            return $"READ version {record?.Version}";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return $"refused: no connection to any silo within {patience.TotalSeconds} s";
        }
        catch (Exception exception)
        {
            return $"refused: {exception.GetType().Name}: {exception.Message}";
        }
        finally
        {
            try
            {
                await host.StopAsync(CancellationToken.None);
            }
            catch (Exception)
            {
                // A client that never connected may fail to stop cleanly; nothing to clean up.
            }
        }
    }
}
