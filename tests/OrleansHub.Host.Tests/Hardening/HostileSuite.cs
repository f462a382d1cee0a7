using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>What one operation got and which of its requests broke the contract.</summary>
public sealed record HostileOutcome(HostileOperation Operation, int Requests, IReadOnlyList<string> Failures);

/// <summary>
/// Sends every generated hostile request to a running hub and checks the contract: a 4xx whose body is
/// <c>application/problem+json</c> with a documented <c>type</c> (matching the status), never a 5xx; the state the
/// operation could touch reads the same before and after; <c>/health/ready</c> still answers 200.
/// </summary>
public sealed partial class HostileSuite(Uri baseAddress, int seed, int scale, Action<string> log)
{
    public const string OperatorKey = "dev-operator-key";
    public const string AgencyKey = "ohk_GDT_dev_gdt-embedded-demo-key";
    public const string ProviderKey = "dev-vss-key";
    public const string DemoCitizen = "001090001234";

    /// <summary>The document's component schemas, for resolving <c>$ref</c> while generating.</summary>
    public static JsonObject Schemas { get; private set; } = [];

    private static readonly HashSet<string> DocumentedTypes = ProblemTypes.All.Select(t => t.Uri).ToHashSet();
    // Every answer is checked against the served document: the hostile requests' in Judge (collected), the probes' by the handler (thrown).
    private readonly HttpClient _http = new(new Contract.ContractCheckingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }))
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private string _citizenToken = "";

    private Contract.ContractValidator? _contract;

    public static string? KeyFor(HostileRole role) => role switch
    {
        HostileRole.Operator => OperatorKey,
        HostileRole.Agency => AgencyKey,
        _ => null,
    };

    /// <summary>Reads the OpenAPI document the hub serves and lists its operations.</summary>
    public async Task<IReadOnlyList<HostileOperation>> OperationsAsync()
    {
        var document = (await _http.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        Schemas = document["components"]?["schemas"]?.AsObject() ?? [];
        return HostileOperations.Read(document);
    }

    public async Task<IReadOnlyList<HostileOutcome>> RunAsync(Func<HostileOperation, bool>? include = null)
    {
        var operations = await OperationsAsync();
        _contract = await Contract.ContractValidator.ForHubAsync(baseAddress, async address =>
        {
            using var plain = new HttpClient();
            return await plain.GetStringAsync(address);
        });
        _citizenToken = await CitizenTokenAsync();
        var outcomes = new List<HostileOutcome>();
        foreach (var op in operations.Where(o => include?.Invoke(o) ?? true))
        {
            // One generator per operation, seeded from the run's seed and the operation's ID, so a single operation can be
            // replayed alone with the same requests.
            var requests = new HostileRequests(new Random(seed ^ StableHash(op.Id)), scale).For(op).ToList();
            var failures = new List<string>();
            var before = await SnapshotAsync(op);
            foreach (var request in requests)
            {
                if (await CheckAsync(op, request) is { } failure)
                {
                    failures.Add(failure);
                }
            }

            var after = await SnapshotAsync(op);
            foreach (var (probe, value) in before)
            {
                if (after.GetValueOrDefault(probe) != value)
                {
                    failures.Add($"seed {seed}, {op}: state changed after its hostile requests: {probe} was {Cut(value)} and is now {Cut(after.GetValueOrDefault(probe))}");
                }
            }

            var ready = await _http.GetAsync("/health/ready");
            if (!ready.IsSuccessStatusCode)
            {
                failures.Add($"seed {seed}, {op}: /health/ready answered {(int)ready.StatusCode} after its hostile requests");
            }

            log($"{op.Id,-36} {requests.Count,6} requests {failures.Count,4} failures");
            outcomes.Add(new HostileOutcome(op, requests.Count, failures));
        }

        return outcomes;
    }

    private async Task<string?> CheckAsync(HostileOperation op, HostileRequest request)
    {
        if (request.RawHeaders is not null)
        {
            return await CheckRawAsync(op, request);
        }

        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(Build(op, request), HttpCompletionOption.ResponseHeadersRead);
            // A stream that was (wrongly) opened would never end: read what arrives within a moment.
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            body = await response.Content.ReadAsStringAsync(cancel.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return Fail(op, request, $"no answer ({e.GetType().Name}: {e.Message})");
        }

        return Judge(op, request, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    private async Task<string?> CheckRawAsync(HostileOperation op, HostileRequest request)
    {
        var head = new StringBuilder($"{request.Method} {request.PathAndQuery} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nConnection: close\r\n");
        if (!request.OmitAuthorization && Credential(op.Role) is { } credential)
        {
            head.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {credential}\r\n");
        }

        if (request.Body is not null)
        {
            if (!string.IsNullOrEmpty(request.ContentType))
            {
                head.Append(CultureInfo.InvariantCulture, $"Content-Type: {request.ContentType}\r\n");
            }

            if (!request.RawHeaders!.Contains("Content-Length", StringComparison.Ordinal))
            {
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {request.Body.Length}\r\n");
            }
        }

        head.Append(request.RawHeaders).Append("\r\n");
        try
        {
            var answer = await HostileRawHttp.SendAsync(baseAddress, head.ToString(), request.Body, TimeSpan.FromSeconds(10));
            return Judge(op, request, answer.Status, answer.ContentType, answer.Body);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or FormatException)
        {
            return Fail(op, request, $"no answer ({e.GetType().Name}: {e.Message})");
        }
    }

    private string? Judge(HostileOperation op, HostileRequest request, int status, string? mediaType, string body)
    {
        if (request.RefusedByKestrel && status == 400)
        {
            return null;
        }

        if (status is < 400 or >= 500)
        {
            return Fail(op, request, $"status {status}, body {Cut(body)}");
        }

        if (mediaType != "application/problem+json")
        {
            return Fail(op, request, $"status {status} with content type {mediaType ?? "(none)"}, body {Cut(body)}");
        }

        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            var type = problem.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is null || !DocumentedTypes.Contains(type))
            {
                return Fail(op, request, $"status {status} with undocumented type {type ?? "(none)"}");
            }

            var documented = ProblemTypes.All.First(p => p.Uri == type);
            if (documented.Status != status || !problem.TryGetProperty("status", out var s) || s.GetInt32() != status)
            {
                return Fail(op, request, $"status {status} but type {type} is documented as {documented.Status}");
            }
        }
        catch (JsonException)
        {
            return Fail(op, request, $"status {status} with a problem body that is not JSON: {Cut(body)}");
        }

        return _contract?.Check(request.Method, request.PathAndQuery, status, mediaType, body) is { } violation
            ? Fail(op, request, "breaks the OpenAPI document: " + violation)
            : null;
    }

    private string Fail(HostileOperation op, HostileRequest request, string what) => $"seed {seed}, {op}: {what}; request {request}";

    private HttpRequestMessage Build(HostileOperation op, HostileRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.PathAndQuery, UriKind.Relative));
        message.Options.Set(Contract.ContractCheckingHandler.CheckedByCaller, true);
        if (!request.OmitAuthorization && Credential(op.Role) is { } credential)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.ExpectContinue)
        {
            message.Headers.ExpectContinue = true;
        }

        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (!string.IsNullOrEmpty(request.ContentType))
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        return message;
    }

    private string? Credential(HostileRole role) => role == HostileRole.Citizen ? _citizenToken : KeyFor(role);

    private async Task<string> CitizenTokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dev/citizen-tokens")
        {
            Content = JsonContent.Create(new { citizenId = DemoCitizen }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);
        var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>
    /// Reads everything a hostile request could have changed: the demo citizen and card, the demo agencies (definition,
    /// history, keys, quota and usage, credit cap, statement), fee schedules, the event log, subscriptions, the webhook, consents and
    /// (outside the agency API, whose refusals are audited by design) the citizen's access log.
    /// </summary>
    private async Task<Dictionary<string, string>> SnapshotAsync(HostileOperation op)
    {
        var month = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var probes = new List<(string Path, string? Key)>
        {
            ($"/admin/citizens/{DemoCitizen}", OperatorKey),
            ($"/admin/citizens/{DemoCitizen}/history?limit=100", OperatorKey),
            ($"/admin/cards/{DemoCitizen}", OperatorKey),
            ("/admin/agencies", OperatorKey),
            ("/admin/fees/schedules", OperatorKey),
            ("/v1/subscriptions/citizens", AgencyKey),
            ("/v1/subscriptions/population", AgencyKey),
            ($"/v1/statements/{month}", AgencyKey),
            ("/v1/webhook", AgencyKey),
            ("/me/consents", _citizenToken),
        };
        foreach (var code in new[] { "GDT", "VCB", "VSS" })
        {
            probes.Add(($"/admin/agencies/{code}/history", OperatorKey));
            probes.Add(($"/admin/agencies/{code}/keys", OperatorKey));
            probes.Add(($"/admin/agencies/{code}/quota", OperatorKey));
            probes.Add(($"/admin/agencies/{code}/credit-cap", OperatorKey));
        }

        if (op.Role != HostileRole.Agency)
        {
            probes.Add(("/me/access-log", _citizenToken));
        }

        var snapshot = new Dictionary<string, string>();
        foreach (var (path, key) in probes)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var response = await _http.SendAsync(request);
            // A problem answer carries the request's own trace ID, and an agency API refusal its own audit entry: not state.
            var text = AuditIdPattern().Replace(TraceIdPattern().Replace(await response.Content.ReadAsStringAsync(), ""), "");
            if (path.EndsWith("/quota", StringComparison.Ordinal))
            {
                // An admitted agency request counts against its quota whatever the endpoint answers (README, Rate limits),
                // these probes' own /v1 reads included.
                text = UsagePattern().Replace(text, "");
            }

            snapshot[path] = $"{(int)response.StatusCode} {text}";
        }

        snapshot["events"] = await EventCountAsync();
        return snapshot;
    }

    /// <summary>How many events the log holds, read page by page to its end.</summary>
    private async Task<string> EventCountAsync()
    {
        var count = 0;
        string? after = null;
        for (var page = 0; page < 1000; page++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/events?limit=500" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);
            var events = await (await _http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            var n = events.GetProperty("events").GetArrayLength();
            count += n;
            after = events.GetProperty("next").GetString();
            if (n < 500)
            {
                break;
            }
        }

        return count.ToString(CultureInfo.InvariantCulture);
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial System.Text.RegularExpressions.Regex TraceIdPattern();

    [System.Text.RegularExpressions.GeneratedRegex("\"auditId\":\"[^\"]*\"")]
    private static partial System.Text.RegularExpressions.Regex AuditIdPattern();

    [System.Text.RegularExpressions.GeneratedRegex("\"usage\":\\{[^}]*\\}")]
    private static partial System.Text.RegularExpressions.Regex UsagePattern();

    /// <summary>The per-operation table: printed by every run, written to bench/results by the full one.</summary>
    public static string Table(IReadOnlyList<HostileOutcome> outcomes, int seed, int scale)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Hostile-input run: seed {seed}, scale {scale}, {outcomes.Count} operations, "
            + $"{outcomes.Sum(o => o.Requests)} requests, {outcomes.Sum(o => o.Failures.Count)} failures.");
        text.AppendLine();
        text.AppendLine("| operation | method | path | requests | failures |");
        text.AppendLine("|---|---|---|---:|---:|");
        foreach (var o in outcomes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {o.Operation.Id} | {o.Operation.Method} | `{o.Operation.PathTemplate}` | {o.Requests} | {o.Failures.Count} |");
        }

        return text.ToString();
    }

    private static int StableHash(string s)
    {
        var hash = 17;
        foreach (var c in s)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }

    private static string Cut(string? s) => s is null ? "(nothing)" : s.Length > 300 ? s[..300] + "…" : s;
}
