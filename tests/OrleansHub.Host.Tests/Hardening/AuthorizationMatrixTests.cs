using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// Every operation of the OpenAPI document called by every party, over real HTTP through Kestrel, against real resources:
/// agency A's keys, statement, disputes, subscription and feed for the others to try; citizen X's consents, access log and
/// dispute for citizen Y to try. The expected outcomes are the table below; a cell that differs, or an operation of the
/// document without a row, fails the test. Beyond the status, a 2xx answer to one party must not carry another party's data,
/// and every refusal is problem+json.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationParties hub, ITestOutputHelper output) : IClassFixture<AuthorizationParties>
{
    private static readonly Party[] Columns =
        [Party.Anonymous, Party.AgencyA, Party.AgencyB, Party.SuspendedAgency, Party.RevokedKey, Party.CitizenX, Party.CitizenY, Party.Operator, Party.DataProvider];

    /// <summary>
    /// The order the cells run in: the party an operation is for comes last (the operator for /admin, agency A for /v1,
    /// citizen X for /me), so that everyone else tries the resource before its owner's own call changes or removes it.
    /// </summary>
    private static readonly Party[] RunOrder =
        [Party.Anonymous, Party.RevokedKey, Party.DataProvider, Party.SuspendedAgency, Party.AgencyB, Party.CitizenY, Party.Operator, Party.AgencyA, Party.CitizenX];

    // 401: no credential this API accepts. 403: authenticated but not allowed (suspended, wrong role, a field not owned).
    // 404: the resource is another party's, so for this caller it does not exist.
    private const string Expected = """
        operation                     anon  agA  agB  susp  revk  citX  citY  oper  prov
        CheckCard                     401   401  401  401   401   401   401   200   403
        DeleteAgencyQuota             401   401  401  401   401   401   401   200   403
        DisableAgencyWebhook          401   401  401  401   401   401   401   200   403
        DisputeAccess                 401   401  401  401   401   201   404   401   401
        ExportFeeStatements           401   401  401  401   401   401   401   200   403
        GetAgency                     401   401  401  401   401   401   401   200   403
        GetAgencyCreditCap            401   401  401  401   401   401   401   200   403
        GetAgencyHistory              401   401  401  401   401   401   401   200   403
        GetAgencyKey                  401   401  401  401   401   401   401   200   403
        GetAgencyQuota                401   401  401  401   401   401   401   200   403
        GetAgencyQuotaHistory         401   401  401  401   401   401   401   200   403
        GetAgencyStatement            401   401  401  401   401   401   401   200   403
        GetAgencyWebhook              401   401  401  401   401   401   401   200   403
        GetCitizen                    401   401  401  401   401   401   401   200   403
        GetCitizenHistory             401   401  401  401   401   401   401   200   403
        GetEventSchema                200   200  200  200   200   200   200   200   200
        GetLiveness                   200   200  200  200   200   200   200   200   200
        GetMyAccessLog                401   401  401  401   401   200   200   401   401
        GetMyConsent                  401   401  401  401   401   200   404   401   401
        GetOwnAgency                  401   200  200  200   401   401   401   401   401
        GetOwnStatement               401   200  200  403   401   401   401   401   401
        GetProblemType                200   200  200  200   200   200   200   200   200
        GetReadiness                  200   200  200  200   200   200   200   200   200
        GetWebhook                    401   200  404  403   401   401   401   401   401
        GetSilos                      401   401  401  401   401   401   401   200   403
        GrantConsent                  401   401  401  401   401   201   201   401   401
        ImportCitizens                401   401  401  401   401   401   401   200   403
        IssueAgencyKey                401   401  401  401   401   401   401   201   403
        IssueCard                     401   401  401  401   401   401   401   201   403
        IssueDevelopmentCitizenToken  401   401  401  401   401   401   401   200   403
        ListAgencies                  401   401  401  401   401   401   401   200   403
        ListAgencyDisputes            401   401  401  401   401   401   401   200   403
        ListAgencyKeys                401   401  401  401   401   401   401   200   403
        ListCitizenSubscriptions      401   200  200  403   401   401   401   401   401
        ListEventTypeSubscriptions    401   200  200  403   401   401   401   401   401
        ListEventSchemas              200   200  200  200   200   200   200   200   200
        ListFeeSchedules              401   401  401  401   401   401   401   200   403
        ListMyConsents                401   401  401  401   401   200   200   401   401
        ListMyDisputes                401   200  200  403   401   401   401   401   401
        LookupCitizen                 401   200  200  403   401   401   401   401   401
        LookupCitizens                401   200  200  403   401   401   401   401   401
        PatchCitizen                  401   401  401  401   401   401   401   200   403
        PublishFeeSchedule            401   401  401  401   401   401   401   201   403
        PutAgency                     401   401  401  401   401   401   401   200   403
        PutAgencyCreditCap            401   401  401  401   401   401   401   200   403
        PutAgencyQuota                401   401  401  401   401   401   401   200   403
        ReadEventLog                  401   401  401  401   401   401   401   200   403
        ReadFeed                      401   200  200  403   401   401   401   401   401
        RegisterWebhook               401   200  201  403   401   401   401   401   401
        RemoveAgencyWebhook           401   401  401  401   401   401   401   204   403
        RemoveWebhook                 401   204  204  403   401   401   401   401   401
        ReplaceFeeSchedule            401   401  401  401   401   401   401   200   403
        ReplayWebhook                 401   202  404  403   401   401   401   401   401
        ReportCardLost                401   401  401  401   401   401   401   200   403
        RevokeAgencyKey               401   401  401  401   401   401   401   200   403
        RevokeCard                    401   401  401  401   401   401   401   200   403
        RevokeConsent                 401   401  401  401   401   200   404   401   401
        RotateAgencyKey               401   401  401  401   401   401   401   201   403
        StreamFeed                    401   200  200  403   401   401   401   401   401
        SubscribeToCitizen            401   201  201  403   401   401   401   401   401
        SubscribeToEventType          401   201  201  403   401   401   401   401   401
        UnsubscribeFromCitizen        401   204  404  403   401   401   401   401   401
        UnsubscribeFromEventType      401   204  204  403   401   401   401   401   401
        VerifyCitizen                 401   200  200  403   401   401   401   401   401
        """;

    [Fact]
    public async Task EveryOperation_EveryParty_AnswersAsTheTableSays()
    {
        var expected = ParseTable();
        var documented = await DocumentedOperationsAsync(hub);
        Assert.True(documented.Keys.Order().SequenceEqual(expected.Keys.Order()),
            $"Rows missing for: {string.Join(", ", documented.Keys.Except(expected.Keys))}; rows for no operation: {string.Join(", ", expected.Keys.Except(documented.Keys))}");

        var clients = Columns.ToDictionary(p => p, hub.ClientFor);
        var actual = new Dictionary<(string, Party), int>();
        var failures = new List<string>();
        foreach (var operation in expected.Keys.Order(StringComparer.Ordinal))
        {
            var call = await AuthorizationOperations.PrepareAsync(hub, operation);
            // The document writes a group's root route without its trailing slash.
            Assert.Equal(documented[operation], (call.Method.Method, call.Template.TrimEnd('/')));
            foreach (var party in RunOrder)
            {
                var (status, body, mediaType) = await SendAsync(clients[party], call);
                actual[(operation, party)] = status;
                if (status != expected[operation][party])
                {
                    failures.Add($"{operation} as {party}: expected {expected[operation][party]}, got {status} {Shorten(body)}");
                }

                if (status >= 400 && mediaType != "application/problem+json")
                {
                    failures.Add($"{operation} as {party}: {status} is {mediaType}, not problem+json");
                }

                if (status < 300 && OthersData(party, operation).FirstOrDefault(body.Contains) is { } leaked)
                {
                    failures.Add($"{operation} as {party}: the answer carries another party's data ({leaked})");
                }
            }
        }

        output.WriteLine($"{actual.Count} cells: {expected.Count} operations x {Columns.Length} parties, {failures.Count} wrong.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {actual.Count} cells wrong:\n{string.Join("\n", failures)}\n\nActual:\n{Render(actual)}");
        Assert.Equal(expected.Count * Columns.Length, actual.Count);
    }

    [Fact]
    public async Task AgencyB_AfterTryingAgencyA_LeavesAgencyAsSubscriptionAndKeysAsTheyWere()
    {
        var agencyB = hub.ClientFor(Party.AgencyB);
        var citizen = await hub.NewCitizenAsync("Võ Văn Theo");
        var agencyA = hub.ClientFor(Party.AgencyA);
        Assert.True((await agencyA.PutAsJsonAsync($"/v1/subscriptions/citizens/{citizen}", new { purpose = AuthorizationParties.Purpose })).IsSuccessStatusCode);

        Assert.Equal(404, (int)(await agencyB.DeleteAsync($"/v1/subscriptions/citizens/{citizen}")).StatusCode);
        Assert.Equal(401, (int)(await agencyB.DeleteAsync($"/admin/agencies/{hub.AgencyA}/keys/{hub.KeyIdOfA}")).StatusCode);

        var followed = await (await agencyA.GetAsync("/v1/subscriptions/citizens")).Content.ReadAsStringAsync();
        Assert.Contains(citizen, followed, StringComparison.Ordinal);
        Assert.Equal(200, (int)(await agencyA.GetAsync("/v1/agency")).StatusCode);
        Assert.DoesNotContain(citizen, await (await agencyB.GetAsync("/v1/subscriptions/citizens")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CitizenY_AfterTryingCitizenXsConsent_LeavesItActive()
    {
        var consent = await AuthorizationParties.GrantConsentAsync(hub.ClientFor(Party.CitizenX));

        Assert.Equal(404, (int)(await hub.ClientFor(Party.CitizenY).DeleteAsync($"/me/consents/{consent}")).StatusCode);

        var held = await (await hub.ClientFor(Party.CitizenX).GetAsync($"/me/consents/{consent}")).ReadJsonAsync();
        Assert.Equal("active", held.GetProperty("status").GetString());
    }

    /// <summary>What <paramref name="party"/> must never see in a successful answer: the other agency's or citizen's own data.</summary>
    private IEnumerable<string> OthersData(Party party, string operation) => party switch
    {
        // Agency B may look up citizen X itself; everything A did with X (subscription, feed, dispute, fees) stays A's.
        Party.AgencyB when operation.StartsWith("Lookup", StringComparison.Ordinal) || operation == "VerifyCitizen" => [hub.AgencyA, hub.KeyIdOfA],
        Party.AgencyB => [hub.AgencyA, hub.KeyIdOfA, hub.CitizenX, hub.DisputeOfX.ToString()],
        Party.AgencyA => [hub.AgencyB],
        Party.CitizenY => [hub.CitizenX, hub.NameOfX, hub.ConsentOfX, hub.AccessEntryOfX.ToString(), hub.DisputeOfX.ToString()],
        Party.CitizenX => [hub.CitizenY, hub.NameOfY],
        _ => [],
    };

    internal static async Task<(int Status, string Body, string? MediaType)> SendAsync(HttpClient client, AuthorizationOperations.Call call)
    {
        using var request = new HttpRequestMessage(call.Method, call.Path) { Content = call.Body() };
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        HttpResponseMessage response;
        try
        {
            // The parties' clients check every answer against the served document (Contract/ContractCheckingHandler).
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        }
        catch (Contract.ContractViolationException violation)
        {
            return (0, "breaks the OpenAPI document: " + violation.Message, null);
        }

        using var answer = response;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        // A stream that was opened never ends by itself: its headers are the answer.
        var body = call.Streams && response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(cancel.Token);
        return ((int)response.StatusCode, body, mediaType);
    }

    /// <summary>Operation ID to (method, route template) for every operation the OpenAPI document lists.</summary>
    internal static async Task<Dictionary<string, (string, string)>> DocumentedOperationsAsync(AuthorizationParties hub)
    {
        var document = await hub.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        return document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Id: op.Value.GetProperty("operationId").GetString()!, Method: op.Name.ToUpperInvariant(), Path: path.Name)))
            .ToDictionary(o => o.Id, o => (o.Method, o.Path));
    }

    private static Dictionary<string, Dictionary<Party, int>> ParseTable()
    {
        var rows = Expected.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1);
        var table = new Dictionary<string, Dictionary<Party, int>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(cells.Length == Columns.Length + 1, $"Row '{row}' needs one cell per party.");
            table.Add(cells[0], Columns.Select((party, i) => (party, int.Parse(cells[i + 1], System.Globalization.CultureInfo.InvariantCulture))).ToDictionary());
        }

        return table;
    }

    private static string Render(Dictionary<(string Operation, Party Party), int> actual) =>
        string.Join("\n", actual.Keys.Select(k => k.Operation).Distinct().Select(op =>
            $"{op,-30}{string.Join("", Columns.Select(p => $"{actual[(op, p)],-6}"))}"));

    private static string Shorten(string body) => body.Length <= 200 ? body : body[..200];
}
