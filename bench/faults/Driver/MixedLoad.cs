using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansHub.Bench.Faults;

/// <summary>
/// The mixed load: charged lookups by a commercial agency (citizen consent), lookups by a state agency, registry writes
/// (PATCH with If-Match), consent grants and revocations, subscriptions, and two feed consumers, round-robin over the
/// silos. Every request's outcome goes to the <see cref="Timeline"/>; every acknowledgement is kept for the verifier.
/// Each writer and the consent worker own their citizens, so an acknowledged version is never overtaken by the load's
/// own concurrency, only by a write whose answer was lost (an ambiguous one, kept too).
/// </summary>
public sealed class MixedLoad(HubTarget hub, CitizenIssuer issuer, Timeline timeline, LoadOptions options) : IDisposable
{
    public const string ChargedPurpose = "kyc-onboarding";
    public const string StatePurpose = "benefit-eligibility";
    public const string ResidenceChanged = "vn.orleanshub.citizen.residence-changed.v1";
    public const string ConsentRevoked = "vn.orleanshub.citizen.consent-revoked.v1";
    private static readonly string[] AgreementFields = ["fullName", "dateOfBirth", "permanentResidence"];
    private static readonly string[] LookupFields = ["fullName", "dateOfBirth"];

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(3) })
    {
        Timeout = options.RequestTimeout,
    };

    private readonly ConcurrentDictionary<string, Guid?> _activeConsent = new();
    private readonly ConcurrentDictionary<string, long> _createdVersions = new();
    private string[] _citizens = [];
    private int _roundRobin;

    public string ChargedAgency { get; } = $"B{Random.Shared.Next(10_000_000, 99_999_999)}";

    public string StateAgency { get; } = $"S{Random.Shared.Next(10_000_000, 99_999_999)}";

    public string ChargedKey { get; private set; } = "";

    public string StateKey { get; private set; } = "";

    public IReadOnlyList<string> Citizens => _citizens;

    public ConcurrentQueue<WriteAttempt> Writes { get; } = new();

    public ConcurrentQueue<ConsentAttempt> ConsentChanges { get; } = new();

    public ConcurrentQueue<Answer> Answers { get; } = new();

    public ConcurrentQueue<string> AckedSubscriptions { get; } = new();

    public ConcurrentQueue<ReceivedEvent> Received { get; } = new();

    public WebhookReceiver? Webhook => options.Webhook;

    /// <summary>Requests per agency that got no answer or a 5xx: an audit row may exist for them without the client knowing.</summary>
    public ConcurrentDictionary<string, int> Unanswered { get; } = new();

    /// <summary>Cursor each feed consumer has read through, by agency.</summary>
    public ConcurrentDictionary<string, string> FeedCursors { get; } = new();

    /// <summary>Agencies, keys, citizens, their consents and subscriptions, through silo 1 before any fault.</summary>
    public async Task SetUpAsync()
    {
        await RequireAsync(Operator(HttpMethod.Put, $"/admin/agencies/{ChargedAgency}", new
        {
            name = "Ngân hàng thử sự cố", kind = "commercial", status = "active", fields = AgreementFields, purposes = new[] { ChargedPurpose }, requiresConsent = true,
        }));
        await RequireAsync(Operator(HttpMethod.Put, $"/admin/agencies/{StateAgency}", new
        {
            name = "Bảo hiểm xã hội thử sự cố", kind = "state", status = "active", fields = AgreementFields, purposes = new[] { StatePurpose }, requiresConsent = false,
        }));
        ChargedKey = (await RequireAsync(Operator(HttpMethod.Post, $"/admin/agencies/{ChargedAgency}/keys", null))).GetProperty("key").GetString()!;
        StateKey = (await RequireAsync(Operator(HttpMethod.Post, $"/admin/agencies/{StateAgency}/keys", null))).GetProperty("key").GetString()!;
        await RequireAsync(Request(HttpMethod.Put, hub.Url(0), $"/v1/subscriptions/population/{ResidenceChanged}", StateKey, new { purpose = StatePurpose }));
        if (options.Webhook is { } receiver)
        {
            // The state agency also gets its feed pushed; delivery starts at the current end of its (still empty) feed.
            await receiver.StartAsync();
            var endpoint = await RequireAsync(Request(HttpMethod.Put, hub.Url(0), "/v1/webhook", StateKey, new { url = receiver.Url }));
            receiver.UseSecret(endpoint.GetProperty("secret").GetString()!);
        }

        var citizens = new List<string>();
        while (citizens.Count < options.Citizens)
        {
            var id = $"001090{Random.Shared.Next(1_000_000):D6}";
            var create = Operator(HttpMethod.Patch, $"/admin/citizens/{id}", new
            {
                fullName = "Nguyễn Văn Sự Cố", dateOfBirth = "1990-04-12", sex = "male", permanentResidence = "Số 1, phố Khởi Đầu, Hà Nội",
            });
            create.Headers.TryAddWithoutValidation("If-None-Match", "*");
            using var created = await _http.SendAsync(create);
            if (created.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                continue; // a random ID an earlier run on this database already holds
            }

            await EnsureAsync(created);
            _createdVersions[id] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();
            citizens.Add(id);
            _activeConsent[id] = await GrantAsync(0, id) ?? throw new InvalidOperationException("The initial consent grant failed.");
            await RequireAsync(Request(HttpMethod.Put, hub.Url(0), $"/v1/subscriptions/citizens/{id}", ChargedKey, new { purpose = ChargedPurpose }));
        }

        _citizens = [.. citizens];
        FeedCursors[ChargedAgency] = "0";
        FeedCursors[StateAgency] = "0";
    }

    /// <summary>Runs every worker until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop)
    {
        var workers = new List<Task>();
        for (var w = 0; w < options.LookupWorkers; w++)
        {
            workers.Add(Loop(() => LookupAsync(Operation.LookupCharged, ChargedAgency, ChargedKey, ChargedPurpose), stop));
            workers.Add(Loop(() => LookupAsync(Operation.LookupState, StateAgency, StateKey, StatePurpose), stop));
        }

        for (var w = 0; w < options.Writers; w++)
        {
            var mine = _citizens.Where((_, i) => i % options.Writers == w).ToArray();
            workers.Add(Task.Run(() => WriteLoopAsync(mine, stop), CancellationToken.None));
        }

        workers.Add(Task.Run(() => ConsentLoopAsync(stop), CancellationToken.None));
        workers.Add(Loop(SubscribeAsync, stop));
        workers.Add(Task.Run(() => ConsumeAsync(StateAgency, StateKey, stop), CancellationToken.None));
        workers.Add(Task.Run(() => ConsumeAsync(ChargedAgency, ChargedKey, stop), CancellationToken.None));
        return Task.WhenAll(workers);
    }

    /// <summary>Reads both feeds on until <paramref name="caughtUp"/> says the consumer has everything (and the webhook too), or the time is up.</summary>
    public async Task DrainFeedsAsync(Func<string, string, Task<bool>> caughtUp, TimeSpan limit)
    {
        using var stop = new CancellationTokenSource(limit);
        foreach (var (code, key) in new[] { (StateAgency, StateKey), (ChargedAgency, ChargedKey) })
        {
            while (!stop.IsCancellationRequested && !await caughtUp(code, FeedCursors[code]))
            {
                await ReadFeedPageAsync(code, key, waitSeconds: 1);
            }
        }

        // The webhook has everything the state agency's pull consumer has (after an outage, its retry may be a while off).
        if (options.Webhook is { } receiver)
        {
            var pulled = Received.Where(e => e.AgencyCode == StateAgency).Select(e => e.EventId).ToHashSet();
            while (!stop.IsCancellationRequested && !pulled.IsSubsetOf(receiver.Received.Select(e => e.EventId)))
            {
                await Task.Delay(500, CancellationToken.None);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private Task Loop(Func<Task> step, CancellationToken stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            await step();
            await Pause(stop);
        }
    }, CancellationToken.None);

    private async Task Pause(CancellationToken stop)
    {
        try
        {
            await Task.Delay(options.Pause, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private string RandomCitizen() => _citizens[Random.Shared.Next(_citizens.Length)];

    private async Task LookupAsync(Operation operation, string agency, string key, string purpose)
    {
        var citizen = RandomCitizen();
        var (outcome, body) = await SendAsync(operation, HttpMethod.Post, "/v1/lookups", key, new { citizenId = citizen, fields = LookupFields, purpose });
        if (outcome.Status == 200 && body is { } answer)
        {
            var fee = answer.TryGetProperty("fee", out var f) && f.ValueKind == JsonValueKind.Object ? f.GetProperty("vnd").GetInt64() : 0;
            Answers.Enqueue(new Answer(agency, citizen, answer.GetProperty("auditId").GetGuid(), fee));
        }
        else if (outcome.IsError)
        {
            Unanswered.AddOrUpdate(agency, 1, (_, n) => n + 1);
        }
    }

    private async Task WriteLoopAsync(string[] mine, CancellationToken stop)
    {
        var versions = mine.ToDictionary(c => c, c => _createdVersions[c]);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var citizen = mine[n % mine.Length];
            var value = $"Số {n}, ngõ {Random.Shared.Next(1000)}, phố Sự Cố, Hà Nội";
            var (outcome, body) = await SendAsync(Operation.RegistryWrite, HttpMethod.Patch, $"/admin/citizens/{citizen}", options.OperatorKey,
                new { permanentResidence = value }, ifMatch: $"\"{versions[citizen]}\"");
            if (outcome.IsSuccess && body is { } record)
            {
                var acked = record.GetProperty("version").GetInt64();
                Writes.Enqueue(new WriteAttempt(citizen, value, acked, Ambiguous: false));
                versions[citizen] = acked;
            }
            else if (outcome.Status == 412 && body is { } problem && problem.TryGetProperty("currentVersion", out var current))
            {
                versions[citizen] = current.GetInt64();
            }
            else if (outcome.IsError)
            {
                // Applied or not, the client cannot tell; the next PATCH at the same version finds out (412 with the current version).
                Writes.Enqueue(new WriteAttempt(citizen, value, null, Ambiguous: true));
            }

            await Pause(stop);
        }
    }

    private async Task ConsentLoopAsync(CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var citizen = _citizens[n % _citizens.Length];
            var silo = NextSilo();
            if (_activeConsent.GetValueOrDefault(citizen) is { } consentId)
            {
                var (outcome, _) = await SendAsync(Operation.ConsentChange, HttpMethod.Delete, $"/me/consents/{consentId}", issuer.Sign(citizen), null, silo: silo);
                ConsentChanges.Enqueue(new ConsentAttempt(citizen, consentId, Grant: false, outcome.IsSuccess, outcome.IsError));
                _activeConsent[citizen] = outcome.IsSuccess ? null : consentId;
            }
            else
            {
                var granted = await GrantAsync(silo, citizen);
                _activeConsent[citizen] = granted;
            }

            await Task.Delay(options.Pause * 5, CancellationToken.None);
        }
    }

    private async Task<Guid?> GrantAsync(int silo, string citizen)
    {
        var (outcome, body) = await SendAsync(Operation.ConsentChange, HttpMethod.Post, "/me/consents", issuer.Sign(citizen), new
        {
            agencyCode = ChargedAgency, purpose = ChargedPurpose, purposeText = "Mở tài khoản thanh toán", fields = AgreementFields,
            validUntil = DateTimeOffset.UtcNow.AddDays(30), retentionDays = 365,
        }, silo: silo);
        Guid? id = outcome.IsSuccess && body is { } consent ? consent.GetProperty("id").GetGuid() : null;
        ConsentChanges.Enqueue(new ConsentAttempt(citizen, id, Grant: true, id is not null, outcome.IsError));
        return id;
    }

    private async Task SubscribeAsync()
    {
        var citizen = RandomCitizen();
        var (outcome, _) = await SendAsync(Operation.Subscription, HttpMethod.Put, $"/v1/subscriptions/citizens/{citizen}", ChargedKey, new { purpose = ChargedPurpose });
        if (outcome.IsSuccess)
        {
            AckedSubscriptions.Enqueue(citizen);
        }
    }

    private async Task ConsumeAsync(string agency, string key, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!await ReadFeedPageAsync(agency, key, waitSeconds: 5))
            {
                await Pause(stop);
            }
        }
    }

    private async Task<bool> ReadFeedPageAsync(string agency, string key, int waitSeconds)
    {
        var after = FeedCursors[agency];
        var (outcome, body) = await SendAsync(Operation.FeedRead, HttpMethod.Get, $"/v1/feed?after={Uri.EscapeDataString(after)}&limit=200&wait={waitSeconds}", key, null);
        if (outcome.Status != 200 || body is not { } page)
        {
            return false;
        }

        foreach (var e in page.GetProperty("events").EnumerateArray())
        {
            var data = e.GetProperty("data");
            Received.Enqueue(new ReceivedEvent(agency, Guid.Parse(e.GetProperty("id").GetString()!), data.GetProperty("citizenId").GetString()!,
                data.GetProperty("sequence").GetInt64(), data.GetProperty("recordVersion").GetInt64(), e.GetProperty("type").GetString()!, timeline.NowMs));
        }

        FeedCursors[agency] = page.GetProperty("next").GetString()!;
        return true;
    }

    private int NextSilo() => (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)hub.Count);

    private async Task<(Outcome Outcome, JsonElement? Body)> SendAsync(
        Operation operation, HttpMethod method, string path, string bearer, object? body, string? ifMatch = null, int? silo = null)
    {
        var index = silo ?? NextSilo();
        var request = Request(method, hub.Url(index), path, bearer, body);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        Outcome outcome;
        JsonElement? json = null;
        try
        {
            using var response = await _http.SendAsync(request);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is "application/json" or "application/problem+json" && (int)response.StatusCode != 204)
            {
                json = await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            var problemJson = mediaType == "application/problem+json";
            var problemType = problemJson && json is { } p && p.TryGetProperty("type", out var t) ? t.GetString() : null;
            outcome = new Outcome(timeline.NowMs, operation, index + 1, (int)response.StatusCode, false, problemJson, problemType);
        }
        catch (TaskCanceledException)
        {
            outcome = new Outcome(timeline.NowMs, operation, index + 1, 0, TimedOut: true, false, null);
        }
        catch (HttpRequestException)
        {
            outcome = new Outcome(timeline.NowMs, operation, index + 1, 0, TimedOut: false, false, null);
            // A refused connection fails at once; a short pause keeps a dead silo from turning the loop into a spin.
            await Task.Delay(50);
        }
        catch (JsonException)
        {
            outcome = new Outcome(timeline.NowMs, operation, index + 1, 0, TimedOut: false, false, "unreadable body");
        }
        finally
        {
            request.Dispose();
        }

        timeline.Add(outcome);
        return (outcome, json);
    }

    private HttpRequestMessage Operator(HttpMethod method, string path, object? body) => Request(method, hub.Url(0), path, options.OperatorKey, body);

    private static HttpRequestMessage Request(HttpMethod method, Uri silo, string path, string bearer, object? body)
    {
        var request = new HttpRequestMessage(method, new Uri(silo, path)) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    private async Task<JsonElement> RequireAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            await EnsureAsync(response);
            return response.Content.Headers.ContentLength == 0 || response.StatusCode == HttpStatusCode.NoContent
                ? default
                : await response.Content.ReadFromJsonAsync<JsonElement>();
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {body}"));
        }
    }
}

/// <summary>The silos' HTTP addresses; a silo restarted on another port is replaced in place.</summary>
public sealed class HubTarget(IEnumerable<Uri> silos)
{
    private readonly Uri[] _silos = [.. silos];

    public int Count => _silos.Length;

    public IReadOnlyList<Uri> All => [.. _silos];

    public Uri Url(int index) => Volatile.Read(ref _silos[index]);

    public void Replace(int index, Uri url) => Volatile.Write(ref _silos[index], url);
}

public sealed record LoadOptions(string OperatorKey)
{
    public int Citizens { get; init; } = 40;

    public int LookupWorkers { get; init; } = 2;

    public int Writers { get; init; } = 2;

    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The state agency's webhook endpoint, when the run includes webhooks.</summary>
    public WebhookReceiver? Webhook { get; init; }

    /// <summary>Longer than any answer the hub should take (a long-poll waits 5 s): a request still open after it is hanging.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
