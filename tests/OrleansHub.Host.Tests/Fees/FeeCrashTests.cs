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
/// A silo killed (kill -9) at a chosen point: its audit writer is stopped by a fault point inside the transaction that holds
/// a charged lookup's audit entry, after the entry is written and before its fee-ledger charge, and the silo is killed
/// there. The agency never got that answer. The writer had sent the whole batch (entries, chain links, ledger line and the
/// end of its implicit transaction) in one round trip, so once let go PostgreSQL commits it without the silo: the entry is
/// kept with its charge, as when a silo dies just after its commit. Never one without the other: every answer the agency
/// did receive has its audit row with its charge, and the ledger still reconciles with the audit log to the đồng. The class
/// owns its two-silo cluster, since it kills one.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class FeeCrashTests(PostgresServer postgres, TwoSiloHub hub, ITestOutputHelper output) : IClassFixture<TwoSiloHub>, IAsyncLifetime
{
    private const string Kyc = "kyc-onboarding";

    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SiloKilledBetweenAuditEntryAndLedgerCharge_KeepsBothTogether_AndEveryAnswerReceivedIsAuditedWithItsCharge()
    {
        var code = await hub.NewAgencyAsync("Ngân hàng thử sự cố", commercial: true, Kyc);
        var (_, key) = await hub.IssueKeyAsync(code);
        var citizenId = await hub.NewCitizenAsync("Nguyễn Thị Định");
        using (var citizen = hub.Citizen(hub.A, citizenId))
        {
            var granted = await citizen.PostAsJsonAsync("/me/consents", new
            {
                agencyCode = code, purpose = Kyc, purposeText = "Mở tài khoản", fields = new[] { "fullName", "dateOfBirth" },
                validUntil = DateTimeOffset.UtcNow.AddDays(30), retentionDays = 365,
            });
            Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        }

        using var onA = TwoSiloHub.Agency(hub.A, key);
        using var onB = TwoSiloHub.Agency(hub.B, key);
        var received = new List<Guid> { await AnsweredAsync(onA, citizenId) };
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        var lockKey = Random.Shared.NextInt64(1_000_000_000, 2_000_000_000);

        // The ledger line is the batch's last statement: the entry is already in the transaction when the writer stops.
        await using (var hold = await FaultPoint.HoldLockAsync(dataSource, lockKey))
        await using (await FaultPoint.BlockAsync(dataSource, "fee_ledger", "INSERT OR UPDATE", $"NEW.agency_code = '{code}'", lockKey))
        {
            var stopped = onA.LookupAsync(citizenId, Kyc, "fullName", "dateOfBirth");
            var writer = await FaultPoint.WaitForBlockedWriterAsync(dataSource, lockKey, TimeSpan.FromSeconds(60));
            Assert.Equal(1L, await ScalarAsync(dataSource, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", writer));

            hub.A.Kill();

            await Assert.ThrowsAnyAsync<HttpRequestException>(() => stopped);
            await hold.CloseAsync();
            // Let go, the writer's backend runs the rest of the batch it was sent and commits it, then finds its client gone.
            await FaultPoint.WaitForBackendGoneAsync(dataSource, writer, TimeSpan.FromSeconds(60));
        }

        // Silo B answers (its own writer was never stopped) once the cluster has let go of A's activations, and the answer is
        // audited and charged. Until then it answers 503, which promises nothing and records nothing.
        received.Add(await AnsweredWithinAsync(onB, citizenId, TimeSpan.FromSeconds(120)));
        output.WriteLine($"{received.Count} answers received; one request stopped at the fault point and lost with silo A.");

        await using (var command = dataSource.CreateCommand("SELECT count(*) FROM audit_log WHERE id = ANY($1) AND fee_vnd = 2000 AND fee_product = 'SPDC04'"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. received] });
            Assert.Equal((long)received.Count, (long)(await command.ExecuteScalarAsync())!);
        }

        // The two answers received and the one lost with silo A: each entry with its charge of 2,000 đồng.
        Assert.Equal((3L, 3L, 6_000L), (
            await ScalarAsync(dataSource, "SELECT count(*) FROM audit_log WHERE agency_code = $1", code),
            await ScalarAsync(dataSource, "SELECT coalesce(sum(answers), 0)::bigint FROM fee_ledger WHERE agency_code = $1", code),
            await ScalarAsync(dataSource, "SELECT coalesce(sum(amount_vnd), 0)::bigint FROM fee_ledger WHERE agency_code = $1", code)));

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

    private static async Task<Guid> AnsweredAsync(HttpClient agency, string citizenId)
    {
        var response = await agency.LookupAsync(citizenId, Kyc, "fullName", "dateOfBirth");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<LookupAnswer>())!.AuditId;
    }

    private static async Task<Guid> AnsweredWithinAsync(HttpClient agency, string citizenId, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await agency.LookupAsync(citizenId, Kyc, "fullName", "dateOfBirth");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<LookupAnswer>())!.AuditId;
            }

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
            Assert.True(clock.Elapsed < timeout, $"Silo B still answered 503 after {timeout}: {body}");
            await Task.Delay(500);
        }
    }

    private static async Task<long> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, T parameter)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = parameter });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed record LookupAnswer(Guid AuditId);
}
