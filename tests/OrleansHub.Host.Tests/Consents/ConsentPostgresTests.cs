using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using OrleansHub.Host.Tests.Contract;

namespace OrleansHub.Host.Tests.Consents;

/// <summary>Citizen sign-in and consents on a PostgreSQL hub, with the e-ID issuer configured as a real deployment would.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class ConsentPostgresTests(PostgresServer postgres) : IDisposable
{
    private const string Issuer = "https://eid.test.example.vn";
    private const string Audience = "orleanshub-test";

    private readonly ECDsa _issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _issuerKey.Dispose();

    private Dictionary<string, string> IssuerSettings() => new()
    {
        ["Hub__CitizenTokens__Issuer"] = Issuer,
        ["Hub__CitizenTokens__Audience"] = Audience,
        ["Hub__CitizenTokens__PublicKeyPem"] = _issuerKey.ExportSubjectPublicKeyInfoPem(),
    };

    private HttpClient CitizenClient(HubProcess hub, string citizenId) =>
        ContractCheckingHandler.CreateClient(hub.Client.BaseAddress!).WithBearer(CitizenTokens.Sign(_issuerKey, CitizenTokens.Descriptor(citizenId, Issuer, Audience)));

    [Fact]
    public async Task Consents_WithConfiguredIssuer_SurviveRestart()
    {
        var database = await postgres.CreateDatabaseAsync();
        var clusterId = $"consents-{Guid.NewGuid():N}";
        var citizenId = TestIds.NewCitizen();
        string kept, revoked;
        await using (var hub = await HubProcess.StartAsync(database, clusterId, IssuerSettings()))
        {
            // No demo agencies on PostgreSQL: a consent must name a registered agency, a purpose and fields of its agreement.
            var registered = await hub.Client.PutAsJsonAsync("/admin/agencies/VCB", new
            {
                name = "Vietcombank", kind = "commercial", status = "active", fields = new[] { "fullName", "dateOfBirth" },
                purposes = new[] { "kyc-onboarding" }, requiresConsent = true,
            });
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
            using var citizen = CitizenClient(hub, citizenId);
            kept = await GrantAsync(citizen, "fullName");
            revoked = await GrantAsync(citizen, "dateOfBirth");
            Assert.Equal(HttpStatusCode.OK, (await citizen.DeleteAsync($"/me/consents/{revoked}")).StatusCode);
            await hub.StopGracefullyAsync(TimeSpan.FromSeconds(30));
        }

        await using var restarted = await HubProcess.StartAsync(database, clusterId, IssuerSettings());
        using var again = CitizenClient(restarted, citizenId);
        var listed = (await (await again.GetAsync("/me/consents")).ReadJsonAsync()).GetProperty("consents").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { [kept] = "active", [revoked] = "revoked" }, listed);
        Assert.Equal(HttpStatusCode.NotFound, (await restarted.Client.PostAsJsonAsync("/dev/citizen-tokens", new { citizenId })).StatusCode);
    }

    [Fact]
    public async Task CitizenSignIn_WithoutIssuerSection_Is401ForEveryToken()
    {
        await using var hub = await HubProcess.StartAsync(await postgres.CreateDatabaseAsync(), $"consents-{Guid.NewGuid():N}");
        using var citizen = CitizenClient(hub, TestIds.NewCitizen());

        var response = await citizen.GetAsync("/me/consents");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/problems/unauthenticated", (await response.ReadProblemAsync()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Client.PostAsJsonAsync("/dev/citizen-tokens", new { citizenId = TestIds.NewCitizen() })).StatusCode);
    }

    [Fact]
    public async Task Start_WithIncompleteIssuerSection_Fails()
    {
        var settings = IssuerSettings();
        settings.Remove("Hub__CitizenTokens__PublicKeyPem");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            HubProcess.StartAsync(postgres.ServerConnectionString + ";Database=postgres", $"consents-{Guid.NewGuid():N}", settings));

        Assert.Contains("Hub:CitizenTokens needs Issuer, Audience and PublicKeyPem", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<string> GrantAsync(HttpClient citizen, string field)
    {
        var response = await citizen.PostAsJsonAsync("/me/consents", new
        {
            agencyCode = "VCB",
            purpose = "kyc-onboarding",
            purposeText = "Mở tài khoản thanh toán",
            fields = new[] { field },
            validUntil = DateTimeOffset.UtcNow.AddDays(30),
            retentionDays = 30,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }
}
