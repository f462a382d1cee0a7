using System.Net.Http.Json;
using System.Text;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// The authorization parties on a host that keeps every log entry at every level; the setup then calls every operation of
/// the OpenAPI document as every party, plus requests that fail on the way in (bad IDs, bad JSON carrying a name, unknown
/// citizens), so the logs hold the hub's successes, refusals and errors.
/// </summary>
public sealed class PrivacyScanParties : AuthorizationParties
{
    // Configured secrets, not the public development keys (which the start-up warning names on purpose): these are sought.
    public PrivacyScanParties()
        : this($"op-{Guid.NewGuid():N}", $"vss-{Guid.NewGuid():N}")
    {
    }

    private PrivacyScanParties(string operatorKey, string providerKey)
        : base(new PrivacyHubFactory(operatorKey, providerKey), operatorKey, providerKey)
    {
    }

    public PrivacyLogCapture Logs => ((PrivacyHubFactory)Factory).Logs;

    public int RequestsSent { get; private set; }

    public IReadOnlyList<(string Kind, string Value)> PersonalValuesSent { get; private set; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (RequestsSent, PersonalValuesSent) = await PrivacyScanTraffic.SendAsync(this);
    }
}

/// <summary>
/// The traffic of a privacy scan: every operation of the OpenAPI document as every party, then requests that fail on the
/// way in (bad IDs, bad JSON carrying a name, unknown citizens), so the telemetry holds the hub's successes, refusals and errors.
/// </summary>
public static class PrivacyScanTraffic
{
    /// <summary>An address the parties' setup writes to citizen X's record.</summary>
    public const string AddressOfX = "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội";

    /// <summary>Sends it all; returns the number of requests and the personal values sent beyond the parties' citizens and secrets.</summary>
    public static async Task<(int Requests, IReadOnlyList<(string Kind, string Value)> PersonalValues)> SendAsync(AuthorizationParties hub)
    {
        var requests = 0;
        var clients = Enum.GetValues<Party>().ToDictionary(p => p, hub.ClientFor);
        foreach (var operation in (await AuthorizationMatrixTests.DocumentedOperationsAsync(hub)).Keys.Order(StringComparer.Ordinal))
        {
            var call = await AuthorizationOperations.PrepareAsync(hub, operation);
            foreach (var party in Enum.GetValues<Party>().OrderBy(p => p is Party.Operator or Party.AgencyA or Party.CitizenX))
            {
                var (_, body, _) = await AuthorizationMatrixTests.SendAsync(clients[party], call);
                requests++;
                foreach (var name in new[] { "key", "secret" })
                {
                    if (body.Contains($"\"{name}\":\"", StringComparison.Ordinal))
                    {
                        hub.RememberSecret(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty(name).GetString()!);
                    }
                }
            }
        }

        var agency = clients[Party.AgencyA];
        var admin = clients[Party.Operator];
        // Citizens the registry does not hold: their IDs are personal data all the same.
        var unknown = Tests.Infrastructure.TestIds.NewCitizen();
        var unknownInBatch = Tests.Infrastructure.TestIds.NewCitizen();
        var (x, y, nameOfX, nameOfY) = (hub.CitizenX, hub.CitizenY, hub.NameOfX, hub.NameOfY);
        await hub.NewCitizenAsync(nameOfX + " Hai");
        var hostile = new Func<Task<HttpResponseMessage>>[]
        {
            () => agency.PostAsJsonAsync("/v1/lookups", new { citizenId = unknown, fields = new[] { "fullName" }, purpose = AuthorizationParties.Purpose }),
            () => agency.PostAsJsonAsync("/v1/lookups", new { citizenId = x, fields = nameOfX, purpose = AuthorizationParties.Purpose }),
            () => agency.PostAsync("/v1/lookups", new StringContent($"{{\"citizenId\":\"{x}\",\"fields\":[\"{nameOfX}\"", Encoding.UTF8, "application/json")),
            () => agency.PostAsync("/v1/verifications", new StringContent($"{{\"citizenId\":\"{x}\",\"claims\":{{\"fullName\":{nameOfX}}}}}", Encoding.UTF8, "application/json")),
            () => agency.PostAsJsonAsync("/v1/verifications", new { citizenId = unknown, purpose = AuthorizationParties.Purpose, claims = new { fullName = nameOfY } }),
            () => agency.PostAsJsonAsync("/v1/lookups/batch", new { citizenIds = new[] { x, y, unknownInBatch }, fields = new[] { "fullName", "taxCode" }, purpose = AuthorizationParties.Purpose }),
            () => agency.PutAsJsonAsync($"/v1/subscriptions/citizens/{unknown}", new { purpose = AuthorizationParties.Purpose }),
            () => admin.GetAsync($"/admin/citizens/{x}0"),
            () => admin.GetAsync($"/admin/citizens/{unknown}"),
            () => admin.GetAsync($"/admin/citizens/{unknown}/history"),
            () => admin.GetAsync($"/admin/cards/{hub.CardOfX}"),
            () => admin.PatchAsync($"/admin/citizens/{y}", JsonContent.Create(new { fullName = nameOfY + "7", dateOfBirth = "1990-13-45" })),
            () => admin.PatchAsync($"/admin/citizens/{y}", new StringContent($"{{\"fullName\":\"{nameOfY}\",", Encoding.UTF8, "application/json")),
            () => admin.PatchAsync($"/admin/citizens/{unknown}", JsonContent.Create(new { permanentResidence = AddressOfX })),
            () => admin.PostAsync("/admin/citizens/import", new StringContent($"{{\"id\":\"{x}\",\"fullName\":\"{nameOfX}\"}}\nnot json {nameOfY}\n", Encoding.UTF8, "application/x-ndjson")),
            () => admin.PostAsJsonAsync("/dev/citizen-tokens", new { citizenId = unknown }),
            () => clients[Party.CitizenX].PostAsJsonAsync("/me/consents", new { agencyCode = "VCB", purpose = nameOfX, fields = new[] { nameOfY } }),
            () => hub.CreateClient().GetAsync($"/v1/feed?after={x}", HttpCompletionOption.ResponseHeadersRead),
        };
        foreach (var send in hostile)
        {
            using var response = await send();
            requests++;
        }

        return (requests, [("citizen ID", unknown), ("citizen ID", unknownInBatch), ("address", AddressOfX), ("card number", hub.CardOfX)]);
    }
}

/// <summary>What a privacy scan looks for and where it found it.</summary>
public static class PrivacyScan
{
    /// <summary>Every citizen's ID and name the hub was given, the other personal values sent, and every secret.</summary>
    public static (string Kind, string Value)[] Sought(AuthorizationParties hub, IEnumerable<(string Kind, string Value)> personalValues) =>
        [.. hub.Citizens.SelectMany(c => new[] { ("citizen ID", c.Key), ("name", c.Value) }), .. personalValues, .. hub.Secrets.Select(s => ("secret", s))];

    /// <summary>Up to three entries of <paramref name="source"/> holding each sought value, described.</summary>
    public static IEnumerable<string> Find(IEnumerable<(string Kind, string Value)> sought, string source, IReadOnlyCollection<string> entries) =>
        sought.SelectMany(s => entries.Where(e => e.Contains(s.Value, StringComparison.Ordinal)).Take(3).Select(e => $"{source} has a {s.Kind}: {Shorten(e)}"));

    public static string Shorten(string entry) => entry.Length <= 400 ? entry : entry[..400];
}

/// <summary>
/// Secrets and personal data stay out of the hub's logs (every level, every category, with scopes and exceptions) and out of
/// its metrics page; an agency key is shown once, when issued, and never again.
/// </summary>
public sealed class PrivacyScanTests(PrivacyScanParties hub, ITestOutputHelper output) : IClassFixture<PrivacyScanParties>
{
    [Fact]
    public async Task LogsAndMetrics_AfterEveryOperationByEveryParty_HoldNoCitizenIdNameOrSecret()
    {
        var metrics = await hub.CreateClient().GetStringAsync("/metrics");
        var logs = hub.Logs.Entries.ToArray();
        // The scan is only worth something if the capture saw the run: entries from the hub's own code and from requests.
        Assert.Contains(logs, e => e.Contains(" OrleansHub.", StringComparison.Ordinal));
        Assert.Contains(logs, e => e.Contains("scope: RequestId=", StringComparison.Ordinal) && e.Contains("TraceId=", StringComparison.Ordinal));
        Assert.Contains("hub_", metrics, StringComparison.Ordinal);

        var sought = PrivacyScan.Sought(hub, hub.PersonalValuesSent);
        var found = PrivacyScan.Find(sought, "log", logs).Concat(PrivacyScan.Find(sought, "/metrics", [metrics])).ToArray();

        output.WriteLine($"Scanned {logs.Length} log entries and {metrics.Length} characters of /metrics after {hub.RequestsSent} requests "
            + $"for {sought.Length} values ({hub.Citizens.Count} citizens' IDs and names, {hub.PersonalValuesSent.Count} other personal values, {hub.Secrets.Count} secrets): {found.Length} found.");
        Assert.True(found.Length == 0,
            $"{found.Length} leaks in {logs.Length} log entries and the metrics page after {hub.RequestsSent} requests ({sought.Length} values sought):\n{string.Join("\n", found)}");
    }

    [Fact]
    public async Task AgencyReads_AfterKeysWereIssued_NeverShowAKey()
    {
        var admin = hub.Operator();
        var (key, keyId) = await hub.IssueKeyAsync(hub.AgencyA);

        var reads = new[]
        {
            await admin.GetStringAsync($"/admin/agencies/{hub.AgencyA}"),
            await admin.GetStringAsync("/admin/agencies/"),
            await admin.GetStringAsync($"/admin/agencies/{hub.AgencyA}/keys"),
            await admin.GetStringAsync($"/admin/agencies/{hub.AgencyA}/keys/{keyId}"),
            await admin.GetStringAsync($"/admin/agencies/{hub.AgencyA}/history"),
            await hub.ClientFor(Party.AgencyA).GetStringAsync("/v1/agency"),
        };

        Assert.Contains(hub.AgencyA, reads[0], StringComparison.Ordinal);
        Assert.Contains(keyId, reads[2], StringComparison.Ordinal);
        Assert.Contains(keyId, reads[4], StringComparison.Ordinal);
        Assert.All(reads, read => Assert.DoesNotContain(key, read, StringComparison.Ordinal));
        Assert.All(reads, read => Assert.DoesNotContain(hub.KeyOfA, read, StringComparison.Ordinal));
    }
}
