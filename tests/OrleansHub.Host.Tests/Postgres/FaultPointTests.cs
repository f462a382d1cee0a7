using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

namespace OrleansHub.Host.Tests.Postgres;

/// <summary>
/// Writes that must be atomic, failed on purpose at a chosen table by a trigger the test creates in the real PostgreSQL
/// database of two hub processes: the audit entry and its fee-ledger charge, a citizen's new state and its change event,
/// and an answer and the Idempotency-Key record that keeps it. Each pair commits together or not at all (row counts of both
/// tables before and after), the client gets 503 problem+json with no data (never a 200, never a 500), and once the fault
/// is gone the same request succeeds and both rows are there.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class FaultPointTests(PostgresServer postgres, TwoSiloHub hub) : IClassFixture<TwoSiloHub>, IAsyncLifetime
{
    private const string Kyc = "kyc-onboarding";
    private const string Name = "Trương Định Phúc";

    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task FeeLedgerRefusesTheCharge_LookupIs503WithoutData_AndNeitherTheAuditEntryNorTheChargeIsKept()
    {
        var (code, agency) = await NewBankAsync();
        var citizen = await NewConsentingCitizenAsync(code);
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);

        await using (await FaultPoint.RefuseAsync(dataSource, "fee_ledger", "INSERT OR UPDATE", $"NEW.agency_code = '{code}'"))
        {
            var refused = await agency.LookupAsync(citizen, Kyc, "fullName", "dateOfBirth");

            await AssertNoDataAsync(refused, "audit-unavailable");
            Assert.Equal((0L, 0L), await AuditAndLedgerAsync(dataSource, code));
        }

        Assert.Equal(HttpStatusCode.OK, (await agency.LookupAsync(citizen, Kyc, "fullName", "dateOfBirth")).StatusCode);
        Assert.Equal((1L, 1L), await AuditAndLedgerAsync(dataSource, code));
        Assert.Equal(2_000L, await ScalarAsync(dataSource, "SELECT coalesce(sum(amount_vnd), 0)::bigint FROM fee_ledger WHERE agency_code = $1", code));
    }

    [Fact]
    public async Task AuditLogRefusesTheEntry_LookupIs503WithoutData_AndTheLedgerIsNotCharged()
    {
        var (code, agency) = await NewBankAsync();
        var citizen = await NewConsentingCitizenAsync(code);
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);

        await using (await FaultPoint.RefuseAsync(dataSource, "audit_log", "INSERT", $"NEW.agency_code = '{code}'"))
        {
            var refused = await agency.LookupAsync(citizen, Kyc, "fullName", "dateOfBirth");

            await AssertNoDataAsync(refused, "audit-unavailable");
            Assert.Equal((0L, 0L), await AuditAndLedgerAsync(dataSource, code));
        }

        Assert.Equal(HttpStatusCode.OK, (await agency.LookupAsync(citizen, Kyc, "fullName", "dateOfBirth")).StatusCode);
        Assert.Equal((1L, 1L), await AuditAndLedgerAsync(dataSource, code));
    }

    [Fact]
    public async Task EventLogRefusesTheEvent_ChangeIs503_AndTheRecordItsHistoryAndTheLogStayAsTheyWere()
    {
        var citizen = await hub.NewCitizenAsync(Name);
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        var before = await RegistryRowsAsync(dataSource, citizen);
        var version = await RecordVersionAsync(citizen);

        await using (await FaultPoint.RefuseAsync(dataSource, "citizen_events", "INSERT", $"NEW.citizen_id = '{citizen}'"))
        {
            var refused = await hub.A.Client.PatchCitizenAsync(citizen, new { currentResidence = "Số 9 phố Trương Định, Hà Nội" });

            await AssertNoDataAsync(refused, "unavailable");
            Assert.Equal(before, await RegistryRowsAsync(dataSource, citizen));
        }

        await AssertChangeTakenWithItsEventAsync(dataSource, citizen, before, version);
    }

    [Fact]
    public async Task RegistryStateRefusesTheWrite_ChangeIs503_AndNoEventOrHistoryIsLogged()
    {
        var citizen = await hub.NewCitizenAsync(Name);
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        var before = await RegistryRowsAsync(dataSource, citizen);
        var version = await RecordVersionAsync(citizen);

        await using (await FaultPoint.RefuseAsync(dataSource, "citizen_state", "UPDATE", $"OLD.citizen_id = {citizen.TrimStart('0')}"))
        {
            var refused = await hub.A.Client.PatchCitizenAsync(citizen, new { currentResidence = "Số 9 phố Trương Định, Hà Nội" });

            await AssertNoDataAsync(refused, "unavailable");
            Assert.Equal(before, await RegistryRowsAsync(dataSource, citizen));
        }

        await AssertChangeTakenWithItsEventAsync(dataSource, citizen, before, version);
    }

    [Fact]
    public async Task IdempotencyRecordRefusesTheAnswer_LookupIs503WithoutData_AndTheRetryIsServedAndKept()
    {
        var (code, agency) = await NewBankAsync();
        var citizen = await NewConsentingCitizenAsync(code);
        var key = Guid.NewGuid().ToString();
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);

        await using (await FaultPoint.RefuseAsync(dataSource, "idempotency_keys", "UPDATE", $"NEW.agency_code = '{code}' AND NEW.completed"))
        {
            var refused = await agency.SendAsync(LookupWithKey(key, citizen));

            // The answer could not be kept for a retry, so it is not sent: a client that sees an answer can always replay it.
            await AssertNoDataAsync(refused, "unavailable");
            Assert.Equal(0L, await ScalarAsync(dataSource, "SELECT count(*) FROM idempotency_keys WHERE agency_code = $1 AND completed", code));
        }

        var served = await agency.SendAsync(LookupWithKey(key, citizen));
        var replayed = await agency.SendAsync(LookupWithKey(key, citizen));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal("true", Assert.Single(replayed.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(await served.Content.ReadAsStringAsync(), await replayed.Content.ReadAsStringAsync());
        Assert.Equal(1L, await ScalarAsync(dataSource, "SELECT count(*) FROM idempotency_keys WHERE agency_code = $1 AND completed", code));
    }

    [Fact]
    public async Task IdempotencyClaimRefused_LookupIs503WithoutData_AndNothingIsAuditedOrCharged()
    {
        var (code, agency) = await NewBankAsync();
        var citizen = await NewConsentingCitizenAsync(code);
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);

        await using (await FaultPoint.RefuseAsync(dataSource, "idempotency_keys", "INSERT", $"NEW.agency_code = '{code}'"))
        {
            var refused = await agency.SendAsync(LookupWithKey(Guid.NewGuid().ToString(), citizen));

            await AssertNoDataAsync(refused, "unavailable");
            Assert.Equal((0L, 0L), await AuditAndLedgerAsync(dataSource, code));
        }
    }

    private async Task<long> RecordVersionAsync(string citizen) =>
        (await (await hub.B.Client.GetAsync($"/admin/citizens/{citizen}")).ReadJsonAsync()).GetProperty("version").GetInt64();

    private async Task AssertChangeTakenWithItsEventAsync(NpgsqlDataSource dataSource, string citizen, (long State, long History, long Events) before, long version)
    {
        // The activation that held the refused change was dropped: the record read now is the durable one.
        var record = await (await hub.B.Client.GetAsync($"/admin/citizens/{citizen}")).ReadJsonAsync();
        Assert.Equal(version, record.GetProperty("version").GetInt64());
        Assert.False(record.GetProperty("fields").TryGetProperty("currentResidence", out _));

        Assert.Equal(HttpStatusCode.OK, (await hub.A.Client.PatchCitizenAsync(citizen, new { currentResidence = "Số 9 phố Trương Định, Hà Nội" })).StatusCode);
        Assert.Equal((before.State + 1, before.History + 1, before.Events + 1), await RegistryRowsAsync(dataSource, citizen));
    }

    /// <summary>A 503 problem+json of <paramref name="slug"/> with Retry-After that carries nothing of the citizen.</summary>
    private static async Task AssertNoDataAsync(HttpResponseMessage response, string slug)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"Expected 503, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"/problems/{slug}", JsonDocument.Parse(body).RootElement.GetProperty("type").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain(Name, body, StringComparison.Ordinal);
        Assert.DoesNotContain(TestIds.DateOfBirth, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Trương Định", body, StringComparison.Ordinal);
    }

    private async Task<(string Code, HttpClient Agency)> NewBankAsync()
    {
        var code = await hub.NewAgencyAsync("Ngân hàng thử điểm lỗi", commercial: true, Kyc);
        var (_, key) = await hub.IssueKeyAsync(code);
        return (code, TwoSiloHub.Agency(hub.B, key));
    }

    private async Task<string> NewConsentingCitizenAsync(string agencyCode)
    {
        var citizenId = await hub.NewCitizenAsync(Name);
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

    private static HttpRequestMessage LookupWithKey(string key, string citizenId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/lookups")
        {
            Content = JsonContent.Create(new { citizenId, fields = new[] { "fullName", "dateOfBirth" }, purpose = Kyc }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>The agency's audit entries and its fee-ledger answers.</summary>
    private static async Task<(long Audit, long Ledger)> AuditAndLedgerAsync(NpgsqlDataSource dataSource, string code) =>
        (await ScalarAsync(dataSource, "SELECT count(*) FROM audit_log WHERE agency_code = $1", code),
         await ScalarAsync(dataSource, "SELECT coalesce(sum(answers), 0)::bigint FROM fee_ledger WHERE agency_code = $1", code));

    /// <summary>The citizen's stored state version, history entries and events.</summary>
    private static async Task<(long State, long History, long Events)> RegistryRowsAsync(NpgsqlDataSource dataSource, string citizen) =>
        (await ScalarAsync(dataSource, "SELECT coalesce(max(version), 0)::bigint FROM citizen_state WHERE citizen_id = $1::bigint", citizen),
         await ScalarAsync(dataSource, "SELECT count(*) FROM citizen_history WHERE citizen_id = $1::bigint", citizen),
         await ScalarAsync(dataSource, "SELECT count(*) FROM citizen_events WHERE citizen_id = $1", citizen));

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, string parameter)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
