using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;
using OrleansHub.Host.Tests.Postgres;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Events;

/// <summary>The feed on a real two-silo PostgreSQL cluster: a change written through one silo wakes a long-poll on the other.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class FeedPostgresTests(PostgresServer postgres, TwoSiloHub hub, ITestOutputHelper output) : IClassFixture<TwoSiloHub>, IAsyncLifetime
{
    private const string Civil = "civil-records";

    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ChangeThroughSiloA_WakesALongPollOnSiloB()
    {
        var code = await hub.NewAgencyAsync("Sở Tư pháp theo dõi", commercial: false, Civil);
        var (_, key) = await hub.IssueKeyAsync(code);
        var citizenId = await hub.NewCitizenAsync("Phan Bội Châu");
        using var agencyOnB = TwoSiloHub.Agency(hub.B, key);
        Assert.Equal(HttpStatusCode.Created, (await agencyOnB.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizenId}", new { purpose = Civil })).StatusCode);

        var waiting = agencyOnB.GetAsync("/v1/feed?after=0&wait=20");
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the long-poll answered before anything happened");
        Assert.Equal(HttpStatusCode.OK, (await hub.A.Client.PatchCitizenAsync(citizenId, new { fullName = "Phan Sào Nam" })).StatusCode);
        var sinceAcknowledged = Stopwatch.StartNew();

        var page = await (await waiting.WaitAsync(TimeSpan.FromSeconds(15))).ReadJsonAsync();
        output.WriteLine($"Written through silo A, received by a long-poll on silo B {sinceAcknowledged.Elapsed.TotalMilliseconds:F0} ms after the acknowledgement.");
        var e = Assert.Single(page.GetProperty("events").EnumerateArray());
        Assert.Equal(citizenId, e.GetProperty("subject").GetString());
        Assert.Equal("vn.orleanshub.citizen.name-corrected.v1", e.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ConsentRevokedThroughSiloA_ReachesTheBanksFeedOnSiloB()
    {
        const string Kyc = "kyc-onboarding";
        var code = await hub.NewAgencyAsync("Ngân hàng theo dõi", commercial: true, Kyc);
        var (_, key) = await hub.IssueKeyAsync(code);
        var citizenId = await hub.NewCitizenAsync("Võ Thị Sáu");
        using var citizen = hub.Citizen(hub.A, citizenId);
        var granted = await citizen.PostAsJsonAsync("/me/consents", new
        {
            agencyCode = code, purpose = Kyc, purposeText = "Mở tài khoản", fields = new[] { "fullName" },
            validUntil = DateTimeOffset.UtcNow.AddDays(30), retentionDays = 365,
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var consentId = (await granted.ReadJsonAsync()).GetProperty("id").GetString();
        using var bankOnB = TwoSiloHub.Agency(hub.B, key);

        var waiting = bankOnB.GetAsync("/v1/feed?after=0&wait=20");
        Assert.Equal(HttpStatusCode.OK, (await citizen.DeleteAsync($"/me/consents/{consentId}")).StatusCode);

        var page = await (await waiting.WaitAsync(TimeSpan.FromSeconds(15))).ReadJsonAsync();
        var e = Assert.Single(page.GetProperty("events").EnumerateArray());
        Assert.Equal("vn.orleanshub.citizen.consent-revoked.v1", e.GetProperty("type").GetString());
        Assert.Equal(consentId, e.GetProperty("data").GetProperty("consentId").GetString());
        Assert.Equal(Kyc, e.GetProperty("data").GetProperty("purpose").GetString());
    }
}
