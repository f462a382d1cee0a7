using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using OrleansHub.Grains;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Fees;

/// <summary>
/// Fees end to end on PostgreSQL: two real hub processes on one database, real HTTP. Each charge is in its audit row,
/// the ledger equals the audit log to the đồng, a retry with the same Idempotency-Key through the other silo is not
/// charged again, statements and the CSV say the same, and `fees reconcile` finds a ledger a superuser edited.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class FeePostgresTests(PostgresServer postgres, TwoSiloHub hub) : IClassFixture<TwoSiloHub>, IAsyncLifetime
{
    private const string Kyc = "kyc-onboarding";

    private static string ThisMonth => VietnamCalendar.DateOf(DateTimeOffset.UtcNow).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Charges_ThroughBothSilos_AreInTheAuditRowsAndTheLedgerEqualsThemToTheDong()
    {
        var (code, onA, onB) = await NewBankAsync();
        var citizen = await NewConsentingCitizenAsync(code);

        var lookup = await (await onA.LookupAsync(citizen, Kyc, "fullName", "dateOfBirth")).ReadJsonAsync();
        var verification = await (await onB.PostAsJsonAsync("/v1/verifications", new
        {
            citizenId = citizen,
            purpose = Kyc,
            claims = new Dictionary<string, string> { ["fullName"] = "Phan Văn Trị" },
        })).ReadJsonAsync();
        var batch = await onB.PostAsJsonAsync("/v1/lookups/batch", new { citizenIds = new[] { citizen, TestIds.NewCitizen() }, fields = new[] { "fullName" }, purpose = Kyc });
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);

        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        Assert.Equal((2_000L, "SPDC04", 2, false, 2), await FeeOfAsync(dataSource, lookup.GetProperty("auditId").GetGuid()));
        Assert.Equal((1_000L, "SPDC01", 1, false, 2), await FeeOfAsync(dataSource, verification.GetProperty("auditId").GetGuid()));
        var audit = await SumAsync(dataSource, "SELECT count(*), coalesce(sum(fee_vnd), 0)::bigint FROM audit_log WHERE agency_code = $1 AND fee_vnd IS NOT NULL", code);
        var ledger = await SumAsync(dataSource, "SELECT coalesce(sum(answers), 0)::bigint, coalesce(sum(amount_vnd), 0)::bigint FROM fee_ledger WHERE agency_code = $1", code);
        Assert.Equal((3L, 4_000L), audit);
        Assert.Equal(audit, ledger);

        var statement = await (await onA.GetAsync($"/v1/statements/{ThisMonth}")).ReadJsonAsync();
        Assert.Equal(4_000, statement.GetProperty("totals").GetProperty("amountVnd").GetInt64());
        var csv = await (await hub.B.Client.GetAsync($"/admin/fees/statements/{ThisMonth}/csv")).Content.ReadAsStringAsync();
        Assert.Contains($"{ThisMonth},{code},ALL,3,4,0,0,4000,1200,2800\n", csv, StringComparison.Ordinal);
        Assert.Contains($"{ThisMonth},{code},SPDC01,1,1,0,0,1000,300,700\n", csv, StringComparison.Ordinal);

        var (exitCode, output) = await RunReconcileAsync(ThisMonth);
        Assert.True(exitCode == 0, output);
        Assert.Contains("agrees", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdempotentRetry_ThroughTheOtherSilo_ReturnsTheFirstAnswerAndIsChargedAndAuditedOnce()
    {
        var (code, onA, onB) = await NewBankAsync();
        var citizen = await NewConsentingCitizenAsync(code);
        var key = Guid.NewGuid().ToString();

        var first = await LookupWithKeyAsync(onA, key, citizen);
        var retry = await LookupWithKeyAsync(onB, key, citizen);
        var otherBody = await onB.SendAsync(WithKey(key, new { citizenId = citizen, fields = new[] { "dateOfBirth" }, purpose = Kyc }));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        await otherBody.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        Assert.Equal((1L, 1_000L), await SumAsync(dataSource,
            "SELECT count(*), coalesce(sum(fee_vnd), 0)::bigint FROM audit_log WHERE agency_code = $1 AND outcome = 'allowed' AND reason IS NULL", code));
        // The replay is audited too (it re-checked the consent in force), and not charged again.
        Assert.Equal((1L, 0L), await SumAsync(dataSource,
            "SELECT count(*), coalesce(sum(fee_vnd), 0)::bigint FROM audit_log WHERE agency_code = $1 AND outcome = 'allowed' AND reason = 'idempotent-replay'", code));
        Assert.Equal((1L, 1_000L), await SumAsync(dataSource, "SELECT sum(answers)::bigint, sum(amount_vnd)::bigint FROM fee_ledger WHERE agency_code = $1", code));
    }

    [Fact]
    public async Task Reconcile_LedgerRowAddedBySuperuser_ReportsTheDifferenceAndExitsNonZero()
    {
        var (code, _, _) = await NewBankAsync();
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        // A month no request of this run falls in, so the other tests' reconciliations stay clean.
        await using (var forge = dataSource.CreateCommand(
            "INSERT INTO fee_ledger VALUES ($1, '2025-03-14', 'SPDC04', 1, 2, 0, 0, 2000)"))
        {
            forge.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code });
            await forge.ExecuteNonQueryAsync();
        }

        var (exitCode, output) = await RunReconcileAsync("2025-03");

        Assert.Equal(1, exitCode);
        Assert.Contains($"agency {code} day 2025-03-14 product SPDC04: ledger 1 answers, 2 fields, 0 exempt answers, 0 exempt fields, 2000 VND; audit log none", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_LedgerRowsOfTwoWriters_ComparesTheirSum()
    {
        var (code, _, _) = await NewBankAsync();
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        // Each audit writer adds to its own row (migration 0022); the month's line is their sum. A month no request of
        // this run falls in, and no audit rows, so the reconciliation shows the summed ledger line against nothing.
        await using (var forge = dataSource.CreateCommand(
            "INSERT INTO fee_ledger (agency_code, day, product, answers, fields, exempt_answers, exempt_fields, amount_vnd, writer) "
            + "VALUES ($1, '2025-04-02', 'SPDC04', 1, 2, 0, 0, 2000, 101), ($1, '2025-04-02', 'SPDC04', 2, 3, 1, 1, 2000, 102)"))
        {
            forge.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code });
            await forge.ExecuteNonQueryAsync();
        }

        var (exitCode, output) = await RunReconcileAsync("2025-04");

        Assert.Equal(1, exitCode);
        Assert.Contains($"agency {code} day 2025-04-02 product SPDC04: ledger 3 answers, 5 fields, 1 exempt answers, 1 exempt fields, 4000 VND; audit log none", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ledger_SuperuserMovingChargesToAnotherWritersRow_IsRefusedByTheDatabase()
    {
        var (code, onA, _) = await NewBankAsync();
        var citizen = await NewConsentingCitizenAsync(code);
        Assert.Equal(HttpStatusCode.OK, (await onA.LookupAsync(citizen, Kyc, "fullName")).StatusCode);
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        await using var command = dataSource.CreateCommand("UPDATE fee_ledger SET writer = writer + 1 WHERE agency_code = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code });

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task Ledger_SuperuserDecrement_IsRefusedByTheDatabase()
    {
        var (code, onA, _) = await NewBankAsync();
        var citizen = await NewConsentingCitizenAsync(code);
        Assert.Equal(HttpStatusCode.OK, (await onA.LookupAsync(citizen, Kyc, "fullName")).StatusCode);
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        await using var command = dataSource.CreateCommand("UPDATE fee_ledger SET amount_vnd = 0 WHERE agency_code = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = code });

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    private async Task<(string Code, HttpClient OnA, HttpClient OnB)> NewBankAsync()
    {
        var code = await hub.NewAgencyAsync("Ngân hàng thử phí", commercial: true, Kyc);
        var (_, key) = await hub.IssueKeyAsync(code);
        return (code, TwoSiloHub.Agency(hub.A, key), TwoSiloHub.Agency(hub.B, key));
    }

    private async Task<string> NewConsentingCitizenAsync(string agencyCode)
    {
        var citizenId = await hub.NewCitizenAsync("Phan Văn Trị");
        using var citizen = hub.Citizen(hub.A, citizenId);
        var granted = await citizen.PostAsJsonAsync("/me/consents", new
        {
            agencyCode,
            purpose = Kyc,
            purposeText = "Mở tài khoản thanh toán",
            fields = new[] { "fullName", "dateOfBirth" },
            validUntil = DateTimeOffset.UtcNow.AddDays(30),
            retentionDays = 365,
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        return citizenId;
    }

    private static Task<HttpResponseMessage> LookupWithKeyAsync(HttpClient agency, string key, string citizenId) =>
        agency.SendAsync(WithKey(key, new { citizenId, fields = new[] { "fullName" }, purpose = Kyc }));

    private static HttpRequestMessage WithKey(string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/lookups") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task<(long, string, int, bool, int)> FeeOfAsync(NpgsqlDataSource dataSource, Guid auditId)
    {
        await using var command = dataSource.CreateCommand("SELECT fee_vnd, fee_product, fee_fields, fee_exempt, fee_schedule FROM audit_log WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = auditId });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "The answer's audit entry is stored.");
        return (reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetBoolean(3), reader.GetInt32(4));
    }

    private static async Task<(long, long)> SumAsync(NpgsqlDataSource dataSource, string sql, string agencyCode)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agencyCode });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<(int ExitCode, string Output)> RunReconcileAsync(string month)
    {
        var start = new ProcessStartInfo("dotnet", [HubProcess.HostAssembly, "fees", "reconcile", "--month", month])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ConnectionStrings__Postgres"] = hub.ConnectionString },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
