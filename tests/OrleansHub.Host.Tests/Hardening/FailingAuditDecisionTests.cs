using System.Net.Http.Json;
using System.Text;
using Npgsql;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// No answer without its audit record, for every decision of the agency API: with the real audit table refusing every
/// insert (a trigger on <c>audit_log</c> in PostgreSQL mode), every <c>/v1</c> operation of the OpenAPI document (the
/// authorization matrix's catalogue, <see cref="AuthorizationOperations"/>) is sent by a suspended agency and by one over its
/// quota, by agency A where its decision is audited, and with every refusal reason the authorization and lookup rules give
/// (consent-required, citizen-unknown, field- and purpose-not-in-agreement, credit-cap-reached, validation, malformed and
/// unsupported bodies, idempotency reuse and replay, not-found). Each answer is <c>503 audit-unavailable</c> with
/// Retry-After and carries no data, and not one audit row is added meanwhile. An operation of the document without its rows
/// here fails the test.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class FailingAuditDecisionTests(PostgresServer postgres, PostgresAuthorizationParties hub, ITestOutputHelper output)
    : IClassFixture<PostgresAuthorizationParties>, IAsyncLifetime
{
    private const string Kyc = "kyc-onboarding";

    /// <summary>/v1 operations whose allowed answer is itself an audited decision (a disclosure, a subscription, a webhook change).</summary>
    private static readonly HashSet<string> AuditedWhenAllowed =
    [
        "LookupCitizen", "LookupCitizens", "VerifyCitizen", "ReadFeed", "StreamFeed", "SubscribeToCitizen", "SubscribeToEventType",
        "UnsubscribeFromCitizen", "UnsubscribeFromEventType", "RemoveWebhook",
    ];

    /// <summary>/v1 operations whose allowed answer discloses nothing new and is not an audited decision: answered as usual.</summary>
    private static readonly HashSet<string> NotAuditedWhenAllowed =
    [
        "GetOwnAgency", "GetOwnStatement", "GetWebhook", "ListCitizenSubscriptions", "ListEventTypeSubscriptions", "ListMyDisputes",
        "RegisterWebhook", "ReplayWebhook",
    ];

    public Task InitializeAsync() => hub.StartAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed record Case(string Operation, string Reason, HttpClient Client, AuthorizationOperations.Call Call, Func<HttpRequestMessage, HttpRequestMessage>? Decorate = null);

    [Fact]
    public async Task EveryAgencyOperation_EveryRefusalReason_AuditLogRefusingWrites_Is503AuditUnavailableWithoutData()
    {
        var documented = (await AuthorizationMatrixTests.DocumentedOperationsAsync(hub))
            .Where(o => o.Value.Item2.StartsWith("/v1", StringComparison.Ordinal)).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
        Assert.True(documented.Order().SequenceEqual(AuditedWhenAllowed.Union(NotAuditedWhenAllowed).Order()),
            $"Every /v1 operation needs its rows here: documented {string.Join(", ", documented)}");

        var agencyA = hub.ClientFor(Party.AgencyA);
        var agencyB = hub.ClientFor(Party.AgencyB);
        var suspended = hub.ClientFor(Party.SuspendedAgency);
        var overQuota = await NewAgencyOverItsQuotaAsync();
        var capped = await NewAgencyAtItsCreditCapAsync();
        var bank = await NewVcbClientAsync();
        var unknown = TestIds.NewCitizen();
        var (replayKey, reusedKey) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        Assert.Equal(200, (int)(await agencyA.SendAsync(WithKey(replayKey, Lookup(hub.CitizenX, Purpose)))).StatusCode);
        Assert.Equal(200, (int)(await agencyA.SendAsync(WithKey(reusedKey, Lookup(hub.CitizenX, Purpose)))).StatusCode);

        // A's feed holds the event about X (the parties changed X's residence) before the log refuses, so reading it is a disclosure.
        await WaitForFeedEventAsync(agencyA);

        var cases = new List<Case>();
        foreach (var operation in documented.Where(o => o != "RemoveWebhook").Append("RemoveWebhook"))
        {
            var call = await AuthorizationOperations.PrepareAsync(hub, operation);
            if (AuditedWhenAllowed.Contains(operation))
            {
                cases.Add(new(operation, "allowed", agencyA, call));
            }

            if (operation != "GetOwnAgency")
            {
                cases.Add(new(operation, "agency-suspended", suspended, call));
            }

            cases.Add(new(operation, "rate-limited", overQuota, call));
        }

        foreach (var (operation, template, path) in new[] { ("LookupCitizen", "/v1/lookups", "/v1/lookups"), ("VerifyCitizen", "/v1/verifications", "/v1/verifications") })
        {
            var verify = operation == "VerifyCitizen";
            AuthorizationOperations.Call Ask(string citizen, string purpose, string field = "fullName") =>
                Post(template, path, verify ? Verification(citizen, purpose, field) : Lookup(citizen, purpose, field));
            cases.Add(new(operation, "consent-required", bank, Ask(hub.CitizenY, Kyc)));
            cases.Add(new(operation, "citizen-unknown", agencyA, Ask(unknown, Purpose)));
            cases.Add(new(operation, "field-not-in-agreement", agencyA, Ask(hub.CitizenX, Purpose, "taxCode")));
            cases.Add(new(operation, "purpose-not-in-agreement", agencyA, Ask(hub.CitizenX, Kyc)));
            cases.Add(new(operation, "credit-cap-reached", capped, Ask(hub.CitizenX, Kyc)));
            cases.Add(new(operation, "validation-failed", agencyA, Ask("12345", Purpose)));
            cases.Add(new(operation, "malformed-request", agencyA, Raw(HttpMethod.Post, template, path, "{", "application/json")));
            cases.Add(new(operation, "unsupported-media-type", agencyA, Raw(HttpMethod.Post, template, path, "citizenId=1", "text/plain")));
        }

        var batch = "/v1/lookups/batch";
        cases.Add(new("LookupCitizens", "consent-required", bank, Post(batch, batch, Batch([hub.CitizenY], Kyc))));
        cases.Add(new("LookupCitizens", "citizen-unknown", agencyA, Post(batch, batch, Batch([unknown], Purpose))));
        cases.Add(new("LookupCitizens", "field-not-in-agreement", agencyA, Post(batch, batch, Batch([hub.CitizenX], Purpose, "taxCode"))));
        cases.Add(new("LookupCitizens", "credit-cap-reached", capped, Post(batch, batch, Batch([hub.CitizenX], Kyc))));
        cases.Add(new("LookupCitizens", "batch-too-large", agencyA, Post(batch, batch, Batch([.. Enumerable.Range(0, 101).Select(_ => TestIds.NewCitizen())], Purpose))));
        cases.Add(new("LookupCitizens", "validation-failed", agencyA, Post(batch, batch, Batch([], Purpose))));
        cases.Add(new("LookupCitizen", "idempotent-replay", agencyA, Post("/v1/lookups", "/v1/lookups", Lookup(hub.CitizenX, Purpose)), r => WithKey(replayKey, r)));
        cases.Add(new("LookupCitizen", "idempotency-key-reused", agencyA, Post("/v1/lookups", "/v1/lookups", Lookup(hub.CitizenY, Purpose)), r => WithKey(reusedKey, r)));

        var subscribe = "/v1/subscriptions/citizens/{citizenId}";
        cases.Add(new("SubscribeToCitizen", "consent-required", bank, Put(subscribe, $"/v1/subscriptions/citizens/{hub.CitizenY}", new { purpose = Kyc })));
        cases.Add(new("SubscribeToCitizen", "purpose-not-in-agreement", agencyA, Put(subscribe, $"/v1/subscriptions/citizens/{hub.CitizenY}", new { purpose = Kyc })));
        cases.Add(new("SubscribeToCitizen", "validation-failed", agencyA, Put(subscribe, "/v1/subscriptions/citizens/12345", new { purpose = Purpose })));
        cases.Add(new("SubscribeToEventType", "not-found", agencyA, Put("/v1/subscriptions/population/{eventType}", "/v1/subscriptions/population/no-such-type", new { purpose = Purpose })));
        cases.Add(new("UnsubscribeFromCitizen", "not-found", agencyB, new(HttpMethod.Delete, subscribe, $"/v1/subscriptions/citizens/{unknown}", () => null)));
        cases.Add(new("ReadFeed", "validation-failed", agencyA, Get("/v1/feed", "/v1/feed?after=not-a-cursor")));
        cases.Add(new("StreamFeed", "validation-failed", agencyA, Get("/v1/feed/stream", "/v1/feed/stream?after=not-a-cursor")));
        cases.Add(new("GetOwnStatement", "validation-failed", agencyA, Get("/v1/statements/{month}", "/v1/statements/2026-13")));
        cases.Add(new("ListMyDisputes", "malformed-request", agencyA, Get("/v1/disputes", "/v1/disputes?limit=many")));
        cases.Add(new("GetWebhook", "not-found", agencyB, Get("/v1/webhook", "/v1/webhook")));
        cases.Add(new("ReplayWebhook", "not-found", agencyB, Post("/v1/webhook/replay", "/v1/webhook/replay", new { after = "0" })));
        cases.Add(new("RegisterWebhook", "validation-failed", agencyB, Put("/v1/webhook", "/v1/webhook", new { url = "ftp://example.vn/hook" })));

        var covered = cases.Select(c => c.Operation).ToHashSet();
        Assert.True(documented.All(covered.Contains), $"Operations without a case: {string.Join(", ", documented.Except(covered))}");

        await using var dataSource = NpgsqlDataSource.Create(hub.ConnectionString);
        var failures = new List<string>();
        await using (await FaultPoint.RefuseAsync(dataSource, "audit_log", "INSERT", "true"))
        {
            // Counted once the trigger is in place: creating it waited for every transaction already inserting (webhook
            // deliveries write in the background), so from here on nothing can be added.
            var rowsBefore = await AuditRowsAsync(dataSource);
            foreach (var @case in cases)
            {
                var (status, body, mediaType, retryAfter) = await SendAsync(@case);
                var cell = $"{@case.Operation} ({@case.Reason})";
                if (status != 503 || mediaType != "application/problem+json" || !body.Contains("/problems/audit-unavailable", StringComparison.Ordinal))
                {
                    failures.Add($"{cell}: {status} {mediaType} {Shorten(body)}");
                }
                else if (retryAfter is null)
                {
                    failures.Add($"{cell}: 503 without Retry-After");
                }
                // The problem's instance is the path the caller sent (a citizen's ID in the route): an echo, not data.
                else if (new[] { hub.CitizenX, hub.CitizenY, hub.NameOfX, hub.NameOfY, unknown, TestIds.DateOfBirth, "auditId" }
                    .FirstOrDefault(body.Replace(@case.Call.Path.Split('?')[0], "", StringComparison.Ordinal).Contains) is { } leaked)
                {
                    failures.Add($"{cell}: the 503 carries {leaked}");
                }
            }

            // Nothing got into the log while it refused (the refusing trigger is the only way in).
            Assert.Equal(rowsBefore, await AuditRowsAsync(dataSource));
        }

        output.WriteLine($"{cases.Count} decisions over {documented.Count} /v1 operations sent with the audit log refusing writes; {failures.Count} wrong.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} answered without their audit record:\n{string.Join('\n', failures)}");

        // The hub recovers by itself once the log takes writes again.
        Assert.Equal(200, (int)(await agencyA.PostAsJsonAsync("/v1/lookups", Lookup(hub.CitizenX, Purpose))).StatusCode);
    }

    private static string Purpose => AuthorizationParties.Purpose;

    private static object Lookup(string citizenId, string purpose, string field = "fullName") => new { citizenId, fields = new[] { field }, purpose };

    private static object Batch(string[] citizenIds, string purpose, string field = "fullName") => new { citizenIds, fields = new[] { field }, purpose };

    private static object Verification(string citizenId, string purpose, string field) =>
        new { citizenId, purpose, claims = new Dictionary<string, string> { [field] = "Lê Thị Hoa" } };

    private static AuthorizationOperations.Call Get(string template, string path) => new(HttpMethod.Get, template, path, () => null);

    private static AuthorizationOperations.Call Post(string template, string path, object body) => new(HttpMethod.Post, template, path, () => JsonContent.Create(body));

    private static AuthorizationOperations.Call Put(string template, string path, object body) => new(HttpMethod.Put, template, path, () => JsonContent.Create(body));

    private static AuthorizationOperations.Call Raw(HttpMethod method, string template, string path, string body, string mediaType) =>
        new(method, template, path, () => new StringContent(body, Encoding.UTF8, mediaType));

    private static HttpRequestMessage WithKey(string key, object lookup)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/lookups") { Content = JsonContent.Create(lookup) };
        return WithKey(key, request);
    }

    private static HttpRequestMessage WithKey(string key, HttpRequestMessage request)
    {
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>Sends the case; a stream that opened is read until the hub ends it (at most 30 s), so any event it carried is seen.</summary>
    private static async Task<(int Status, string Body, string? MediaType, TimeSpan? RetryAfter)> SendAsync(Case @case)
    {
        var request = new HttpRequestMessage(@case.Call.Method, @case.Call.Path) { Content = @case.Call.Body() };
        using var sent = @case.Decorate?.Invoke(request) ?? request;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await @case.Client.SendAsync(sent, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        var body = new StringBuilder();
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
            body.Append(await reader.ReadToEndAsync(cancel.Token));
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            // A stream the hub broke off (or that never ended): what arrived before is the answer.
        }

        return ((int)response.StatusCode, body.ToString(), response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.Delta);
    }

    private static async Task WaitForFeedEventAsync(HttpClient agency)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await (await agency.GetAsync("/v1/feed")).ReadJsonAsync()).GetProperty("events").GetArrayLength() == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The change event never reached agency A's feed.");
            await Task.Delay(200);
        }
    }

    /// <summary>A new agency whose daily quota (one request) is used up.</summary>
    private async Task<HttpClient> NewAgencyOverItsQuotaAsync()
    {
        var (code, client) = await NewAgencyAsync("state");
        Assert.Equal(200, (int)(await hub.Operator().PutAsJsonAsync($"/admin/agencies/{code}/quota/", new { dailyRequests = 1 })).StatusCode);
        Assert.Equal(200, (int)(await client.GetAsync("/v1/agency")).StatusCode);
        Assert.Equal(429, (int)(await client.GetAsync("/v1/agency")).StatusCode);
        return client;
    }

    /// <summary>A new commercial agency whose monthly credit cap is zero đồng, so it is reached before any charge.</summary>
    private async Task<HttpClient> NewAgencyAtItsCreditCapAsync()
    {
        var (code, client) = await NewAgencyAsync("commercial");
        Assert.Equal(200, (int)(await hub.Operator().PutAsJsonAsync($"/admin/agencies/{code}/credit-cap", new { monthlyCapVnd = 0 })).StatusCode);
        return client;
    }

    private async Task<HttpClient> NewVcbClientAsync()
    {
        var (key, _) = await hub.IssueKeyAsync("VCB");
        return hub.CreateClient().WithBearer(key);
    }

    private async Task<(string Code, HttpClient Client)> NewAgencyAsync(string kind)
    {
        var code = $"F{Random.Shared.Next(10_000_000, 99_999_999)}";
        var registered = await hub.Operator().PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Cơ quan thử nhật ký hỏng",
            kind,
            status = "active",
            fields = new[] { "fullName", "dateOfBirth", "sex", "permanentResidence" },
            purposes = new[] { Purpose, Kyc },
            requiresConsent = kind == "commercial",
        });
        Assert.Equal(201, (int)registered.StatusCode);
        var (key, _) = await hub.IssueKeyAsync(code);
        return (code, hub.CreateClient().WithBearer(key));
    }

    private static async Task<long> AuditRowsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM audit_log");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300];
}
