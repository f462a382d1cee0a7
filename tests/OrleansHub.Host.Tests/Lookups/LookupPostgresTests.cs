using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OrleansHub.Host.Tests.Audit;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Lookups;

/// <summary>
/// Agency lookups end to end on PostgreSQL: two real hub processes sharing one database, real HTTP, the e-ID issuer
/// configured as a deployment would. Revocations made through one silo hold on the other; the audit log is written
/// before any answer and the hub recovers by itself when the database takes writes again.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class LookupPostgresTests(PostgresServer postgres, TwoSiloHub hub, ITestOutputHelper output) : IClassFixture<TwoSiloHub>, IAsyncLifetime
{
    private const string Kyc = "kyc-onboarding";
    private const string Civil = "civil-records";

    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Lookup_ConsentRevokedThroughSiloA_IsRefusedOnTheVeryNextLookupThroughSiloB()
    {
        var code = await hub.NewAgencyAsync("Ngân hàng thử nghiệm", commercial: true, Kyc);
        var (_, key) = await hub.IssueKeyAsync(code);
        var citizenId = await hub.NewCitizenAsync("Hoàng Thị Thu");
        using var citizen = hub.Citizen(hub.A, citizenId);
        var granted = await citizen.PostAsJsonAsync("/me/consents", new
        {
            agencyCode = code,
            purpose = Kyc,
            purposeText = "Mở tài khoản thanh toán",
            fields = new[] { "fullName" },
            validUntil = DateTimeOffset.UtcNow.AddDays(30),
            retentionDays = 365,
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var consentId = (await granted.ReadJsonAsync()).GetProperty("id").GetString();
        using var bankOnB = TwoSiloHub.Agency(hub.B, key);

        var before = await bankOnB.LookupAsync(citizenId, Kyc, "fullName");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("Hoàng Thị Thu", (await before.ReadJsonAsync()).GetProperty("fields").GetProperty("fullName").GetProperty("value").GetString());

        Assert.Equal(HttpStatusCode.OK, (await citizen.DeleteAsync($"/me/consents/{consentId}")).StatusCode);
        var after = await bankOnB.LookupAsync(citizenId, Kyc, "fullName");

        var problem = await after.AssertProblemAsync(HttpStatusCode.Forbidden, "consent-required");
        Assert.DoesNotContain("Hoàng", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_KeyRevokedThroughSiloA_StopsWorkingOnSiloBWithinSecondsWhileTheOtherKeyWorks()
    {
        var code = await hub.NewAgencyAsync("Sở Tư pháp thử nghiệm", commercial: false, Civil);
        var (revokedId, revoked) = await hub.IssueKeyAsync(code);
        var (_, kept) = await hub.IssueKeyAsync(code);
        var citizenId = await hub.NewCitizenAsync("Vũ Văn Khải");
        using var revokedOnB = TwoSiloHub.Agency(hub.B, revoked);
        using var keptOnB = TwoSiloHub.Agency(hub.B, kept);
        Assert.Equal(HttpStatusCode.OK, (await revokedOnB.LookupAsync(citizenId, Civil, "fullName")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await hub.A.Client.DeleteAsync($"/admin/agencies/{code}/keys/{revokedId}")).StatusCode);
        var sinceRevocation = Stopwatch.StartNew();
        var response = await PollWhileOkAsync(() => revokedOnB.LookupAsync(citizenId, Civil, "fullName"), TimeSpan.FromSeconds(10));

        output.WriteLine($"A key revoked through silo A was refused by silo B after {sinceRevocation.Elapsed.TotalSeconds:F2} s.");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(HttpStatusCode.OK, (await keptOnB.LookupAsync(citizenId, Civil, "fullName")).StatusCode);
    }

    [Fact]
    public async Task Lookup_AgencySuspendedThroughSiloA_IsRefusedAsSuspendedOnSiloBWithinSeconds()
    {
        var code = await hub.NewAgencyAsync("Sở Tư pháp tạm dừng", commercial: false, Civil);
        var (_, key) = await hub.IssueKeyAsync(code);
        var citizenId = await hub.NewCitizenAsync("Mạc Đĩnh Chi");
        using var agencyOnB = TwoSiloHub.Agency(hub.B, key);
        Assert.Equal(HttpStatusCode.OK, (await agencyOnB.LookupAsync(citizenId, Civil, "fullName")).StatusCode);

        var suspended = await hub.A.Client.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Sở Tư pháp tạm dừng", kind = "state", status = "suspended", fields = new[] { "fullName", "dateOfBirth" }, purposes = new[] { Civil }, requiresConsent = false,
        });
        Assert.True(suspended.IsSuccessStatusCode, await suspended.Content.ReadAsStringAsync());
        var sinceSuspension = Stopwatch.StartNew();
        var response = await PollWhileOkAsync(() => agencyOnB.LookupAsync(citizenId, Civil, "fullName"), TimeSpan.FromSeconds(10));

        output.WriteLine($"An agency suspended through silo A was refused by silo B after {sinceSuspension.Elapsed.TotalSeconds:F2} s.");
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "agency-suspended");
        Assert.DoesNotContain("Mạc", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_AuditLogRefusesWrites_Is503WithoutCitizenDataThenAnsweredAndAuditedOnceItAccepts()
    {
        var code = await hub.NewAgencyAsync("Sở Tư pháp thử nghiệm", commercial: false, Civil);
        var (_, key) = await hub.IssueKeyAsync(code);
        var citizenId = await hub.NewCitizenAsync("Đinh Công Tráng");
        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        var constraint = $"refuse_{Guid.NewGuid():N}";

        // What a full disk or a broken database looks like to the hub: every batch insert fails.
        await ExecuteAsync(dataSource, $"ALTER TABLE audit_batches ADD CONSTRAINT {constraint} CHECK (false) NOT VALID");
        try
        {
            foreach (var silo in new[] { hub.A, hub.B })
            {
                using var agency = TwoSiloHub.Agency(silo, key);
                var refused = await agency.LookupAsync(citizenId, Civil, "fullName", "dateOfBirth");

                var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "audit-unavailable");
                Assert.True(refused.Headers.RetryAfter is not null, "A 503 says when to retry.");
                Assert.DoesNotContain("Tráng", problem.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain(TestIds.DateOfBirth, problem.ToString(), StringComparison.Ordinal);
                Assert.False(problem.TryGetProperty("fields", out _));
            }

            // The batch and yes/no forms are held back the same way.
            using var onB = TwoSiloHub.Agency(hub.B, key);
            var batch = await onB.PostAsJsonAsync("/v1/lookups/batch", new { citizenIds = new[] { citizenId }, fields = new[] { "fullName" }, purpose = Civil });
            Assert.DoesNotContain("Tráng", (await batch.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "audit-unavailable")).ToString(), StringComparison.Ordinal);
            var verified = await onB.PostAsJsonAsync("/v1/verifications", new
            {
                citizenId,
                purpose = Civil,
                claims = new Dictionary<string, string> { ["fullName"] = "Đinh Công Tráng" },
            });
            Assert.False((await verified.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "audit-unavailable")).TryGetProperty("claims", out _));
        }
        finally
        {
            await ExecuteAsync(dataSource, $"ALTER TABLE audit_batches DROP CONSTRAINT {constraint}");
        }

        foreach (var silo in new[] { hub.A, hub.B })
        {
            using var agency = TwoSiloHub.Agency(silo, key);
            var answered = await agency.LookupAsync(citizenId, Civil, "fullName", "dateOfBirth");
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            var auditId = (await answered.ReadJsonAsync()).GetProperty("auditId").GetGuid();

            var row = await AuditRowAsync(dataSource, auditId);
            Assert.Equal((code, citizenId, "lookup", Civil, "allowed", (string?)null), (row.Agency, row.Citizen, row.Operation, row.Purpose, row.Outcome, row.Reason));
            Assert.Equal(["dateOfBirth", "fullName"], row.Fields.Order(StringComparer.Ordinal));
        }

        // Only the two answered lookups are on record: the refused ones left nothing behind.
        Assert.Equal(2L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM audit_log WHERE citizen_id = $1", citizenId));
        // Each silo ended its chain at the failed batch and started a new one: nothing is broken.
        await using var audit = AuditServices.Create(hub.ConnectionString);
        var verification = await audit.Verifier.VerifyAsync();
        Assert.True(verification.Intact, string.Join('\n', verification.Breaks.Select(b => b.Description)));
    }

    [Fact]
    public async Task Lookup_ThroughEitherSilo_IsInTheCitizensAccessLogAndTheAuditChainsVerify()
    {
        var code = await hub.NewAgencyAsync("Sở Tư pháp minh bạch", commercial: false, Civil);
        var (_, key) = await hub.IssueKeyAsync(code);
        var citizenId = await hub.NewCitizenAsync("Lý Thường Kiệt");
        using var onA = TwoSiloHub.Agency(hub.A, key);
        using var onB = TwoSiloHub.Agency(hub.B, key);
        var first = (await (await onB.LookupAsync(citizenId, Civil, "fullName")).ReadJsonAsync()).GetProperty("auditId").GetGuid();
        var second = (await (await onA.LookupAsync(citizenId, Civil, "dateOfBirth")).ReadJsonAsync()).GetProperty("auditId").GetGuid();

        using var citizen = hub.Citizen(hub.B, citizenId);
        var page = await citizen.GetAsync("/me/access-log");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var entries = (await page.ReadJsonAsync()).GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal([second, first], entries.Select(e => e.GetProperty("id").GetGuid()));
        Assert.All(entries, e => Assert.Equal((code, "Sở Tư pháp minh bạch", "answered", Civil),
            (e.GetProperty("agencyCode").GetString(), e.GetProperty("agencyName").GetString(), e.GetProperty("outcome").GetString(), e.GetProperty("purpose").GetString())));
        Assert.Equal(["dateOfBirth"], Fields(entries[0]));
        Assert.Equal(["fullName"], Fields(entries[1]));

        // Each silo writes its own chain; what both wrote verifies (tamper detection itself: PostgresAuditTests).
        await using var audit = AuditServices.Create(hub.ConnectionString);
        var verification = await audit.Verifier.VerifyAsync();
        Assert.True(verification.Intact, string.Join('\n', verification.Breaks.Select(b => b.Description)));
        Assert.True(verification.Chains >= 2, $"{verification.Chains} chain(s)");
        Assert.True(verification.Entries >= 2, $"{verification.Entries} entries");
    }

    /// <summary>Repeats <paramref name="call"/> every 100 ms while it answers 200, for at most <paramref name="timeout"/>; returns the last answer.</summary>
    private static async Task<HttpResponseMessage> PollWhileOkAsync(Func<Task<HttpResponseMessage>> call, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await call();
            if (response.StatusCode != HttpStatusCode.OK || clock.Elapsed > timeout)
            {
                return response;
            }

            await Task.Delay(100);
        }
    }

    private static IEnumerable<string?> Fields(JsonElement entry) => entry.GetProperty("fields").EnumerateArray().Select(f => f.GetString());

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, string parameter)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(string? Agency, string? Citizen, string Operation, string? Purpose, string[] Fields, string Outcome, string? Reason)> AuditRowAsync(
        NpgsqlDataSource dataSource, Guid id)
    {
        await using var command = dataSource.CreateCommand("SELECT agency_code, citizen_id, operation, purpose, fields, outcome, reason FROM audit_log WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"Audit entry {id} is not in audit_log.");
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        var row = (Text(0), Text(1), reader.GetString(2), Text(3), reader.GetFieldValue<string[]>(4), reader.GetString(5), Text(6));
        Assert.False(await reader.ReadAsync(), $"Audit entry {id} is in audit_log more than once.");
        return row;
    }
}
