using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using OrleansHub.Grains;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Lookups;
using OrleansHub.Host.Tests.Postgres;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Fees;

/// <summary>
/// A silo killed (kill -9) while both silos are answering charged lookups: afterwards every answer an agency received
/// has its audit row with its charge, and the ledger still reconciles with the audit log to the đồng. The class owns its
/// two-silo cluster, since it kills one.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class FeeCrashTests(PostgresServer postgres, TwoSiloHub hub, ITestOutputHelper output) : IClassFixture<TwoSiloHub>, IAsyncLifetime
{
    private const string Kyc = "kyc-onboarding";

    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SiloKilledMidLoad_EveryAnswerReceivedIsAuditedWithItsCharge_AndTheLedgerReconciles()
    {
        var code = await hub.NewAgencyAsync("Ngân hàng thử sự cố", commercial: true, Kyc);
        var (_, key) = await hub.IssueKeyAsync(code);
        var citizens = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var citizenId = await hub.NewCitizenAsync("Nguyễn Thị Định");
            using var citizen = hub.Citizen(hub.A, citizenId);
            var granted = await citizen.PostAsJsonAsync("/me/consents", new
            {
                agencyCode = code, purpose = Kyc, purposeText = "Mở tài khoản", fields = new[] { "fullName", "dateOfBirth" },
                validUntil = DateTimeOffset.UtcNow.AddDays(30), retentionDays = 365,
            });
            Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
            citizens.Add(citizenId);
        }

        using var onA = TwoSiloHub.Agency(hub.A, key);
        using var onB = TwoSiloHub.Agency(hub.B, key);
        var received = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        var failures = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        async Task DriveAsync(HttpClient agency, int worker)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    var response = await agency.LookupAsync(citizens[(worker + n) % citizens.Count], Kyc, "fullName", "dateOfBirth");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        received.Add((await response.Content.ReadFromJsonAsync<LookupAnswer>())!.AuditId);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (HttpRequestException)
                {
                    // The killed silo's connections break: those requests got no answer, so nothing was promised.
                    Interlocked.Increment(ref failures);
                    await Task.Delay(50);
                }
            }
        }

        var load = Enumerable.Range(0, 4).Select(w => Task.Run(() => DriveAsync(w % 2 == 0 ? onA : onB, w))).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(3));
        hub.A.Kill();
        await Task.WhenAll(load);
        output.WriteLine($"{received.Count} answers received, {failures} requests failed or refused around the kill.");

        Assert.NotEmpty(received);
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        await using (var command = dataSource.CreateCommand("SELECT count(*) FROM audit_log WHERE id = ANY($1) AND fee_vnd = 2000 AND fee_product = 'SPDC04'"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. received] });
            Assert.Equal((long)received.Count, (long)(await command.ExecuteScalarAsync())!);
        }

        var month = VietnamCalendar.DateOf(DateTimeOffset.UtcNow).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("dotnet", [HubProcess.HostAssembly, "fees", "reconcile", "--month", month])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ConnectionStrings__Postgres"] = hub.ConnectionString },
        };
        using var reconcile = Process.Start(start)!;
        var text = await reconcile.StandardOutput.ReadToEndAsync() + await reconcile.StandardError.ReadToEndAsync();
        await reconcile.WaitForExitAsync();
        output.WriteLine(text);
        Assert.True(reconcile.ExitCode == 0, text);
    }

    private sealed record LookupAnswer(Guid AuditId);
}
