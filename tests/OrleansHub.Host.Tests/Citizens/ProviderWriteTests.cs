using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using OrleansHub.Host.Tests.Contract;

namespace OrleansHub.Host.Tests.Citizens;

/// <summary>
/// A data provider writes the fields it owns and is answered with nothing else: a no-op write is not a way to read the
/// register, and every write it makes, accepted or refused, leaves a trace (history, or the audit log).
/// </summary>
public sealed class ProviderWriteTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private readonly HttpClient _operator = factory.CreateOperatorClient();
    private readonly HttpClient _socialSecurity = factory.CreateClient().WithBearer("dev-vss-key");
    private readonly HttpClient _transport = factory.CreateClient().WithBearer("dev-drvn-key");

    private async Task<string> NewCitizenAsync()
    {
        var id = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await _operator.PutCitizenAsync(id, "Mạc Thị Bưởi", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _operator.PatchCitizenAsync(id, new { religion = "Phật giáo", ethnicity = "Kinh" })).StatusCode);
        return id;
    }

    private async Task<List<AuditEntry>> AuditOfAsync(string citizenId) =>
        [.. (await factory.Services.GetRequiredService<IAuditReader>().ReadByCitizenAsync(citizenId, null, 100)).Entries];

    [Fact]
    public async Task ProviderNoOpWrite_AnswersVersionAndOwnFieldsOnly_AndIsAudited()
    {
        var id = await NewCitizenAsync();
        Assert.Equal(HttpStatusCode.OK, (await _transport.PatchCitizenAsync(id, new { drivingLicences = new[] { "790123456789" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _socialSecurity.PatchCitizenAsync(id, new { healthInsuranceNumber = "DN4010123456789" })).StatusCode);

        // The probe of the finding: the transport department's own field, set to what it already is.
        var response = await _transport.PatchCitizenAsync(id, new { drivingLicences = new[] { "790123456789" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var fields = body.GetProperty("fields").EnumerateObject().Select(f => f.Name).ToList();
        Assert.Equal(["drivingLicences"], fields);
        Assert.Equal($"\"{body.GetProperty("version").GetInt64()}\"", response.Headers.ETag?.ToString());
        var text = body.ToString();
        foreach (var secret in new[] { "Mạc", "Phật", "Kinh", TestIds.DateOfBirth })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        var entry = Assert.Single(await AuditOfAsync(id), e => e.Operation == "provider-write");
        Assert.Equal(("DRVN", AuditOutcome.Allowed, "unchanged"), (entry.AgencyCode, entry.Outcome, entry.Reason));
        Assert.Equal(["drivingLicences"], entry.Fields);
    }

    [Fact]
    public async Task ProviderChange_AnswersOwnFieldsOnly_AndIsInTheHistory()
    {
        var id = await NewCitizenAsync();

        var response = await _socialSecurity.PatchCitizenAsync(id, new { socialInsuranceNumber = "0123456789" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["socialInsuranceNumber"], (await response.ReadJsonAsync()).GetProperty("fields").EnumerateObject().Select(f => f.Name));
        var history = await (await _operator.GetAsync($"/admin/citizens/{id}/history")).ReadJsonAsync();
        var change = history.GetProperty("changes")[0];
        Assert.Equal("VSS", change.GetProperty("source").GetString());
        Assert.Equal(["socialInsuranceNumber"], change.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task ProviderWriteToUnknownId_Is404_AndLeavesATrace()
    {
        var unknown = TestIds.NewCitizen();

        var response = await _transport.PatchCitizenAsync(unknown, new { drivingLicences = (string?)null });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var entry = Assert.Single(await AuditOfAsync(unknown));
        Assert.Equal(("DRVN", "provider-write", AuditOutcome.Denied, "not-found"), (entry.AgencyCode, entry.Operation, entry.Outcome, entry.Reason));
    }

    [Fact]
    public async Task ProviderRefusedWrite_IsAudited_WithTheFieldsItNamed()
    {
        var id = await NewCitizenAsync();

        var response = await _socialSecurity.PatchCitizenAsync(id, new { fullName = "Mạc Bưởi", healthInsuranceNumber = "DN4010123456789" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var entry = Assert.Single(await AuditOfAsync(id), e => e.Operation == "provider-write");
        Assert.Equal((AuditOutcome.Denied, "field-not-owned"), (entry.Outcome, entry.Reason));
        Assert.Equal(["fullName", "healthInsuranceNumber"], entry.Fields);
    }

    [Fact]
    public async Task OperatorWrite_KeepsTheFullAnswer()
    {
        var id = await NewCitizenAsync();

        var response = await _operator.PatchCitizenAsync(id, new { hometown = "Huế" });

        var fields = (await response.ReadJsonAsync()).GetProperty("fields");
        Assert.Equal("Mạc Thị Bưởi", fields.GetProperty("fullName").GetProperty("value").GetString());
        Assert.Equal("Phật giáo", fields.GetProperty("religion").GetProperty("value").GetString());
    }
}

/// <summary>The same guarantees on PostgreSQL: the provider's probe is in the stored audit log.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class ProviderWritePostgresTests(PostgresServer postgres)
{
    // Random, so it passes any entropy rule the hub applies to provider keys.
    private static readonly string ProviderKey = "drvn-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    [Fact]
    public async Task ProviderProbe_OnPostgres_AnswersNoRegistryField_AndEveryWriteIsInTheAuditTable()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var hub = await HubProcess.StartAsync(database, $"providers-{Guid.NewGuid():N}",
            new Dictionary<string, string> { ["Hub__Providers__Agencies__DRVN__ApiKey"] = ProviderKey });
        using var provider = ContractCheckingHandler.CreateClient(hub.Client.BaseAddress!).WithBearer(ProviderKey);
        var known = TestIds.NewCitizen();
        var unknown = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await hub.Client.PutCitizenAsync(known, "Lê Thị Hồng", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);

        var probe = await provider.PatchCitizenAsync(known, new { drivingLicences = (string?)null });
        var miss = await provider.PatchCitizenAsync(unknown, new { drivingLicences = (string?)null });

        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        var body = await probe.ReadJsonAsync();
        Assert.Empty(body.GetProperty("fields").EnumerateObject());
        Assert.DoesNotContain("Hồng", body.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, miss.StatusCode);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT citizen_id, outcome, reason, fields FROM audit_log WHERE agency_code = 'DRVN' AND operation = 'provider-write' ORDER BY at", connection);
        var rows = new List<(string, string, string, string[])>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3)));
            }
        }

        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r.Item1 == known && r.Item2 == "allowed" && r.Item3 == "unchanged" && r.Item4.SequenceEqual(["drivingLicences"]));
        Assert.Contains(rows, r => r.Item1 == unknown && r.Item2 == "denied" && r.Item3 == "not-found");
    }
}
