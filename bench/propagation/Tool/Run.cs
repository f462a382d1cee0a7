using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansHub.Bench.Propagation;

/// <summary>
/// The measured run: one receiver per agency (even-numbered agencies keep an SSE stream open, odd ones long-poll), spread
/// over the silos, then an open-loop writer changing the active citizens at a fixed rate. Every received event is matched
/// to the change whose acknowledgement carried its record version; what was acknowledged and never received is lost.
/// </summary>
internal sealed class Run(Options o, State state)
{
    private readonly record struct Ack(long Sent, long Acked, bool Name);

    private readonly ConcurrentDictionary<(long Citizen, long Version), Ack> _acks = new();
    private readonly ConcurrentDictionary<(int Agency, long Citizen, long Version), long> _receipts = new();
    private readonly ConcurrentDictionary<long, long> _lastVersion = new();
    private long _writeFailures, _noChange, _outOfOrder, _duplicates, _reconnects, _lateStarts;
    private long _pausedAt, _resumedAt;
    private string[] _cursors = [];

    private int AgencyCount => state.Agencies + state.Population;

    private string Code(int agency) => agency < state.Agencies ? Names.Follower(agency) : Names.Population(agency - state.Agencies);

    // With a webhook receiver, a third of the agencies each: stream, pull, webhook; without, half stream and half pull.
    private string Channel(int agency) => o.WebhookPort > 0
        ? (agency % 3) switch { 0 => "stream", 1 => "pull", _ => "webhook" }
        : agency % 2 == 0 ? "stream" : "pull";

    private readonly Dictionary<int, Dictionary<long, long>> _webhookSequences = [];

    public async Task<string> RunAsync()
    {
        if (state.Active > (long)state.Agencies * state.Followed)
        {
            throw new ArgumentException("more active citizens than followed ones");
        }

        // A second run on the same setup starts where the first one's receivers stopped, not at the start of every feed.
        _cursors = o.Cursors is not null && File.Exists(o.Cursors)
            ? JsonSerializer.Deserialize<string[]>(await File.ReadAllTextAsync(o.Cursors))!
            : [.. Enumerable.Repeat("0", AgencyCount)];
        using var receiveHttp = Http.Client(AgencyCount + 16);
        using var writeHttp = Http.Client(o.Concurrency);
        using var stop = new CancellationTokenSource();
        using var webhooks = o.WebhookPort > 0 ? await StartWebhooksAsync(writeHttp, stop.Token) : null;
        var receivers = Enumerable.Range(0, AgencyCount).Where(a => Channel(a) != "webhook")
            .Select(a => Task.Run(() => ReceiveAsync(receiveHttp, a, stop.Token))).ToList();
        Console.Error.WriteLine($"run: {AgencyCount} receivers started; settling {o.Settle} s");
        await Task.Delay(TimeSpan.FromSeconds(o.Settle));

        var writeStart = Stopwatch.GetTimestamp();
        Console.Error.WriteLine($"run: writing {o.Rate}/s for {o.Duration} s");
        await WriteAsync(writeHttp);
        var writeSeconds = Stopwatch.GetElapsedTime(writeStart).TotalSeconds;

        var drainStart = Stopwatch.GetTimestamp();
        var missing = Missing().Count;
        while ((missing > 0 || (o.PauseFor > 0 && Interlocked.Read(ref _resumedAt) == 0)) && Stopwatch.GetElapsedTime(drainStart).TotalSeconds < o.Drain)
        {
            await Task.Delay(500);
            missing = Missing().Count;
        }

        var drainSeconds = Stopwatch.GetElapsedTime(drainStart).TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(receivers);
        if (o.Cursors is not null)
        {
            await File.WriteAllTextAsync(o.Cursors, JsonSerializer.Serialize(_cursors));
        }

        return Report(writeSeconds, drainSeconds, webhooks);
    }

    /// <summary>Registers a fresh webhook (and so a secret) for every webhook agency, pointing at this tool's listener.</summary>
    private async Task<WebhookReceiver> StartWebhooksAsync(HttpClient http, CancellationToken stop)
    {
        var codes = Enumerable.Range(0, AgencyCount).Where(a => Channel(a) == "webhook").ToDictionary(Code, a => a, StringComparer.Ordinal);
        var receiver = new WebhookReceiver(o.WebhookPort, code => codes[code], (agency, e, now) =>
        {
            if (!_webhookSequences.TryGetValue(agency, out var sequences))
            {
                _webhookSequences[agency] = sequences = [];
            }

            Received(agency, e, now, sequences);
        });
        receiver.Start(stop);
        await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (x, ct) =>
        {
            var url = o.Urls[x.Value % o.Urls.Count];
            var key = state.Keys[x.Key];
            try
            {
                await Http.SendAsync(http, HttpMethod.Delete, $"{url}/v1/webhook", key, null, ct);
            }
            catch (InvalidOperationException)
            {
                // 404: none registered yet.
            }

            var created = await Http.SendAsync(http, HttpMethod.Put, $"{url}/v1/webhook", key, new { url = receiver.Prefix + x.Key }, ct);
            receiver.AddSecret(x.Key, JsonDocument.Parse(created).RootElement.GetProperty("secret").GetString()!);
        });
        Console.Error.WriteLine($"run: {codes.Count} webhooks registered at {receiver.Prefix}");
        return receiver;
    }

    private async Task WriteAsync(HttpClient http)
    {
        using var inFlight = new SemaphoreSlim(o.Concurrency);
        var total = (long)(o.Rate * o.Duration);
        var start = Stopwatch.GetTimestamp();
        var tasks = new List<Task>();
        for (long i = 0; i < total; i++)
        {
            var due = start + (long)(i * Stopwatch.Frequency / o.Rate);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            if (!inFlight.Wait(0))
            {
                // Every connection is busy: the machine does not sustain the rate, and this start is late.
                Interlocked.Increment(ref _lateStarts);
                await inFlight.WaitAsync();
            }

            // Numbered on from an earlier run's changes, so no change repeats an earlier value (that would produce no event).
            var change = o.FirstChange + i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await ChangeAsync(http, change);
                }
                finally
                {
                    inFlight.Release();
                }
            }));
        }

        await Task.WhenAll(tasks);
    }

    private static readonly string[] Syllables =
        ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hùng", "Khánh", "Lâm", "Long", "Minh", "Nam", "Phong", "Quang", "Sơn", "Tâm", "Thành", "Trung", "Tuấn", "Việt"];

    private async Task ChangeAsync(HttpClient http, long k)
    {
        var citizen = k % state.Active;
        var round = k / state.Active;
        var name = o.NameEvery > 0 && k % o.NameEvery == 0;
        // A name differs from the citizen's previous one (two syllables encode the round); an address carries k.
        object body = name
            ? new { fullName = $"Nguyễn {Syllables[(int)(round / Syllables.Length % Syllables.Length)]} {Syllables[(int)(round % Syllables.Length)]}" }
            : new { permanentResidence = string.Create(CultureInfo.InvariantCulture, $"Số {k} Tràng Tiền, Hà Nội") };
        for (var attempt = 0; attempt < o.Urls.Count; attempt++)
        {
            var url = o.Urls[(int)((k + attempt) % o.Urls.Count)];
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Patch, $"{url}/admin/citizens/{Names.Citizen(citizen)}");
                request.Headers.Authorization = new("Bearer", o.OperatorKey);
                request.Content = System.Net.Http.Json.JsonContent.Create(body);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var response = await http.SendAsync(request, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                var acked = Stopwatch.GetTimestamp();
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _writeFailures);
                    continue;
                }

                var version = JsonDocument.Parse(text).RootElement.GetProperty("version").GetInt64();
                var previous = _lastVersion.GetValueOrDefault(citizen);
                if (version <= previous)
                {
                    // A retry of a write whose first answer was lost with its silo: nothing new to expect.
                    Interlocked.Increment(ref _noChange);
                    return;
                }

                _lastVersion[citizen] = version;
                _acks[(citizen, version)] = new Ack(sent, acked, name);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _writeFailures);
            }
        }
    }

    private async Task ReceiveAsync(HttpClient http, int agency, CancellationToken stop)
    {
        var key = state.Keys[Code(agency)];
        var cursor = _cursors[agency];
        var silo = agency % o.Urls.Count;
        var lastSequence = new Dictionary<long, long>();
        var paused = agency == o.PauseAgency && o.PauseFor > 0;
        var pauseAt = Stopwatch.GetTimestamp() + (long)((o.Settle + o.PauseAt) * Stopwatch.Frequency);
        while (!stop.IsCancellationRequested)
        {
            using var session = CancellationTokenSource.CreateLinkedTokenSource(stop);
            if (paused)
            {
                var untilPause = pauseAt - Stopwatch.GetTimestamp();
                session.CancelAfter(TimeSpan.FromSeconds(Math.Max(0, (double)untilPause / Stopwatch.Frequency)));
            }

            try
            {
                if (Channel(agency) == "stream")
                {
                    await StreamAsync(http, agency, key, silo, () => cursor, c => cursor = _cursors[agency] = c, lastSequence, session.Token);
                }
                else
                {
                    while (!session.IsCancellationRequested)
                    {
                        cursor = await PollAsync(http, agency, key, silo, cursor, lastSequence, session.Token);
                        _cursors[agency] = cursor;
                    }
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (session.IsCancellationRequested && paused)
            {
                // The stopped receiver: away for PauseFor seconds, then back from its cursor.
                paused = false;
                Interlocked.Exchange(ref _pausedAt, Stopwatch.GetTimestamp());
                Console.Error.WriteLine($"run: receiver {Code(agency)} stopped for {o.PauseFor} s");
                await Task.Delay(TimeSpan.FromSeconds(o.PauseFor), stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                Interlocked.Exchange(ref _resumedAt, Stopwatch.GetTimestamp());
                continue;
            }
            catch (Exception)
            {
                // The silo went away (or refused): reconnect to the next one from the cursor.
                Interlocked.Increment(ref _reconnects);
                silo = (silo + 1) % o.Urls.Count;
                await Task.Delay(100, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<string> PollAsync(HttpClient http, int agency, string key, int silo, string cursor, Dictionary<long, long> lastSequence, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{o.Urls[silo]}/v1/feed?after={cursor}&wait=25&limit=500");
        request.Headers.Authorization = new("Bearer", key);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(35));
        using var response = await http.SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        var now = Stopwatch.GetTimestamp();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"feed: {(int)response.StatusCode}");
        }

        using var page = JsonDocument.Parse(body);
        foreach (var e in page.RootElement.GetProperty("events").EnumerateArray())
        {
            Received(agency, e, now, lastSequence);
        }

        return page.RootElement.GetProperty("next").GetString()!;
    }

    private async Task StreamAsync(HttpClient http, int agency, string key, int silo, Func<string> cursor, Action<string> advance,
        Dictionary<long, long> lastSequence, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{o.Urls[silo]}/v1/feed/stream?after={cursor()}");
        request.Headers.Authorization = new("Bearer", key);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"stream: {(int)response.StatusCode}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? id = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && id is not null)
            {
                var now = Stopwatch.GetTimestamp();
                using var e = JsonDocument.Parse(line.AsMemory(6));
                Received(agency, e.RootElement, now, lastSequence);
                advance(id);
                id = null;
            }
        }

        throw new HttpRequestException("stream ended");
    }

    private void Received(int agency, JsonElement e, long now, Dictionary<long, long> lastSequence)
    {
        var data = e.GetProperty("data");
        var citizen = Names.IndexOf(data.GetProperty("citizenId").GetString()!);
        var sequence = data.GetProperty("sequence").GetInt64();
        var version = data.GetProperty("recordVersion").GetInt64();
        if (!_receipts.TryAdd((agency, citizen, version), now))
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        if (lastSequence.TryGetValue(citizen, out var last) && sequence <= last)
        {
            Interlocked.Increment(ref _outOfOrder);
        }

        lastSequence[citizen] = Math.Max(sequence, last);
    }

    private IEnumerable<int> Recipients(long citizen, bool name)
    {
        yield return (int)(citizen % state.Agencies);
        if (name)
        {
            for (var p = 0; p < state.Population; p++)
            {
                yield return state.Agencies + p;
            }
        }
    }

    private List<(int Agency, long Citizen, long Version)> Missing() =>
        [.. _acks.SelectMany(a => Recipients(a.Key.Citizen, a.Value.Name).Select(r => (r, a.Key.Citizen, a.Key.Version)))
            .Where(x => !_receipts.ContainsKey(x))];

    private string Report(double writeSeconds, double drainSeconds, WebhookReceiver? webhooks)
    {
        var fromAck = new Dictionary<string, List<double>> { ["stream"] = [], ["pull"] = [], ["webhook"] = [] };
        var fromSend = new Dictionary<string, List<double>> { ["stream"] = [], ["pull"] = [], ["webhook"] = [] };
        var writeLatency = new List<double>();
        long expected = 0, lost = 0, beforeAck = 0;
        var resumed = Interlocked.Read(ref _resumedAt);
        double catchUp = 0;
        foreach (var (change, ack) in _acks)
        {
            writeLatency.Add(Ms(ack.Acked - ack.Sent));
            foreach (var agency in Recipients(change.Citizen, ack.Name))
            {
                expected++;
                if (!_receipts.TryGetValue((agency, change.Citizen, change.Version), out var at))
                {
                    lost++;
                    continue;
                }

                if (agency == o.PauseAgency && o.PauseFor > 0)
                {
                    if (resumed > 0 && ack.Acked < resumed)
                    {
                        catchUp = Math.Max(catchUp, Ms(at - resumed));
                    }

                    continue;
                }

                var channel = Channel(agency);
                if (at < ack.Acked)
                {
                    beforeAck++;   // the event outran the acknowledgement's trip back to the writer
                }

                fromAck[channel].Add(Math.Max(0, Ms(at - ack.Acked)));
                fromSend[channel].Add(Ms(at - ack.Sent));
            }
        }

        foreach (var (agency, citizen, version) in Missing().Take(10))
        {
            Console.Error.WriteLine($"run: missing {Code(agency)} citizen #{citizen} version {version}");
        }

        var unmatched = _receipts.Keys.Count(r => !_acks.ContainsKey((r.Citizen, r.Version)));
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"changes_offered={(long)(o.Rate * o.Duration)} acknowledged={_acks.Count} write_failures={_writeFailures} retried_no_change={_noChange} late_starts={_lateStarts} write_seconds={writeSeconds:F1} achieved_rps={_acks.Count / writeSeconds:F0}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"write_ms {Percentiles(writeLatency)}");
        foreach (var channel in webhooks is null ? new[] { "stream", "pull" } : ["stream", "pull", "webhook"])
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{channel}_from_ack_ms {Percentiles(fromAck[channel])}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"{channel}_from_send_ms {Percentiles(fromSend[channel])}");
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"expected_deliveries={expected} lost={lost} out_of_order={_outOfOrder} duplicates={_duplicates} received_before_ack={beforeAck} received_without_ack={unmatched} reconnects={_reconnects} drain_seconds={drainSeconds:F1}");
        if (webhooks is not null)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"webhook_deliveries={webhooks.Deliveries} webhook_bad_signatures={webhooks.BadSignatures}");
        }

        if (o.PauseFor > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"paused_receiver={Code(o.PauseAgency)} channel={Channel(o.PauseAgency)} paused_s={Ms(resumed - Interlocked.Read(ref _pausedAt)) / 1000:F1} caught_up_ms_after_resume={catchUp:F0}");
        }

        return sb.ToString().TrimEnd();
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static string Percentiles(List<double> values)
    {
        if (values.Count == 0)
        {
            return "n=0";
        }

        values.Sort();
        double At(double p) => values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
        return FormattableString.Invariant($"n={values.Count} p50={At(0.5):F1} p90={At(0.9):F1} p99={At(0.99):F1} max={values[^1]:F1}");
    }
}
