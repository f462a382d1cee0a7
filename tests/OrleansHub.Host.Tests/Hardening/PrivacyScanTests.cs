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

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var clients = Enum.GetValues<Party>().ToDictionary(p => p, ClientFor);
        foreach (var operation in (await AuthorizationMatrixTests.DocumentedOperationsAsync(this)).Keys.Order(StringComparer.Ordinal))
        {
            var call = await AuthorizationOperations.PrepareAsync(this, operation);
            foreach (var party in Enum.GetValues<Party>().OrderBy(p => p is Party.Operator or Party.AgencyA or Party.CitizenX))
            {
                var (_, body, _) = await AuthorizationMatrixTests.SendAsync(clients[party], call);
                RequestsSent++;
                foreach (var name in new[] { "key", "secret" })
                {
                    if (body.Contains($"\"{name}\":\"", StringComparison.Ordinal))
                    {
                        RememberSecret(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty(name).GetString()!);
                    }
                }
            }
        }

        var agency = clients[Party.AgencyA];
        var admin = clients[Party.Operator];
        var unknown = Tests.Infrastructure.TestIds.NewCitizen();
        await NewCitizenAsync(NameOfX + " Hai");
        var hostile = new Func<Task<HttpResponseMessage>>[]
        {
            () => agency.PostAsJsonAsync("/v1/lookups", new { citizenId = unknown, fields = new[] { "fullName" }, purpose = Purpose }),
            () => agency.PostAsJsonAsync("/v1/lookups", new { citizenId = CitizenX, fields = NameOfX, purpose = Purpose }),
            () => agency.PostAsync("/v1/lookups", new StringContent($"{{\"citizenId\":\"{CitizenX}\",\"fields\":[\"{NameOfX}\"", Encoding.UTF8, "application/json")),
            () => agency.PostAsync("/v1/verifications", new StringContent($"{{\"citizenId\":\"{CitizenX}\",\"claims\":{{\"fullName\":{NameOfX}}}}}", Encoding.UTF8, "application/json")),
            () => agency.PostAsJsonAsync("/v1/lookups/batch", new { citizenIds = new[] { CitizenX, CitizenY, unknown }, fields = new[] { "fullName", "taxCode" }, purpose = Purpose }),
            () => agency.PutAsJsonAsync($"/v1/subscriptions/citizens/{unknown}", new { purpose = Purpose }),
            () => admin.GetAsync($"/admin/citizens/{CitizenX}0"),
            () => admin.GetAsync($"/admin/citizens/{unknown}"),
            () => admin.PatchAsync($"/admin/citizens/{CitizenY}", JsonContent.Create(new { fullName = NameOfY + "7", dateOfBirth = "1990-13-45" })),
            () => admin.PatchAsync($"/admin/citizens/{CitizenY}", new StringContent($"{{\"fullName\":\"{NameOfY}\",", Encoding.UTF8, "application/json")),
            () => admin.PostAsync("/admin/citizens/import", new StringContent($"{{\"id\":\"{CitizenX}\",\"fullName\":\"{NameOfX}\"}}\nnot json {NameOfY}\n", Encoding.UTF8, "application/x-ndjson")),
            () => admin.PostAsJsonAsync("/dev/citizen-tokens", new { citizenId = unknown }),
            () => clients[Party.CitizenX].PostAsJsonAsync("/me/consents", new { agencyCode = "VCB", purpose = NameOfX, fields = new[] { NameOfY } }),
            () => Factory.CreateClient().GetAsync($"/v1/feed?after={CitizenX}", HttpCompletionOption.ResponseHeadersRead),
        };
        foreach (var send in hostile)
        {
            using var response = await send();
            RequestsSent++;
        }
    }
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
        var metrics = await hub.Factory.CreateClient().GetStringAsync("/metrics");
        var logs = hub.Logs.Entries.ToArray();
        // The scan is only worth something if the capture saw the run: entries from the hub's own code and from requests.
        Assert.Contains(logs, e => e.Contains(" OrleansHub.", StringComparison.Ordinal));
        Assert.Contains(logs, e => e.Contains("scope: RequestId=", StringComparison.Ordinal) && e.Contains("TraceId=", StringComparison.Ordinal));
        Assert.Contains("hub_", metrics, StringComparison.Ordinal);

        var sought = hub.Citizens.SelectMany(c => new[] { ("citizen ID", c.Key), ("name", c.Value) })
            .Concat(hub.Secrets.Select(s => ("secret", s)))
            .ToArray();
        var found = sought
            .SelectMany(s => logs.Where(e => e.Contains(s.Item2, StringComparison.Ordinal)).Take(3).Select(e => $"log has a {s.Item1}: {Shorten(e)}")
                .Concat(metrics.Contains(s.Item2, StringComparison.Ordinal) ? [$"/metrics has a {s.Item1}"] : []))
            .ToArray();

        output.WriteLine($"Scanned {logs.Length} log entries and {metrics.Length} characters of /metrics after {hub.RequestsSent} requests "
            + $"for {hub.Citizens.Count} citizens (ID and name) and {hub.Secrets.Count} secrets: {found.Length} found.");
        Assert.True(found.Length == 0,
            $"{found.Length} leaks in {logs.Length} log entries and the metrics page after {hub.RequestsSent} requests "
            + $"({hub.Citizens.Count} citizens, {hub.Secrets.Count} secrets sought):\n{string.Join("\n", found)}");
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

    private static string Shorten(string entry) => entry.Length <= 400 ? entry : entry[..400];
}
