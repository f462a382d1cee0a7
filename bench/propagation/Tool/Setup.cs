using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansHub.Bench.Propagation;

/// <summary>
/// Registers the benchmark's agencies (with keys), their subscriptions and the citizens the run will change, through the
/// hub's public API, many requests in flight, spread over the silos. Writes the agencies' keys to the state file.
/// </summary>
internal static class Setup
{
    public const string Purpose = "benefit-eligibility";
    public const string NameCorrected = "vn.orleanshub.citizen.name-corrected.v1";

    public static async Task<string> RunAsync(Options o)
    {
        using var http = Http.Client(o.Concurrency * 2);
        var silos = o.Urls;
        var total = Stopwatch.StartNew();

        var agencies = Enumerable.Range(0, o.Agencies).Select(Names.Follower)
            .Concat(Enumerable.Range(0, o.Population).Select(Names.Population)).ToList();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(agencies.Select((a, i) => (a, i)), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency }, async (x, ct) =>
        {
            var url = silos[x.i % silos.Count];
            var definition = new
            {
                name = "Propagation bench agency",
                kind = "state",
                status = "active",
                fields = new[] { "fullName", "permanentResidence" },
                purposes = new[] { Purpose },
                requiresConsent = false,
            };
            await Http.SendAsync(http, HttpMethod.Put, $"{url}/admin/agencies/{x.a}", o.OperatorKey, definition, ct);
            var issued = await Http.SendAsync(http, HttpMethod.Post, $"{url}/admin/agencies/{x.a}/keys", o.OperatorKey, null, ct);
            var key = JsonDocument.Parse(issued).RootElement.GetProperty("key").GetString()!;
            lock (keys)
            {
                keys[x.a] = key;
            }
        });
        var agencySeconds = sw.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"setup: {agencies.Count} agencies with keys in {agencySeconds:F1} s");

        sw.Restart();
        for (var p = 0; p < o.Population; p++)
        {
            var code = Names.Population(p);
            await Http.SendAsync(http, HttpMethod.Put, $"{silos[p % silos.Count]}/v1/subscriptions/population/{NameCorrected}", keys[code],
                new { purpose = Purpose }, CancellationToken.None);
        }

        // Citizen i (0 <= i < agencies x followed) is followed by agency i mod agencies.
        var subscriptions = (long)o.Agencies * o.Followed;
        long done = 0;
        await Parallel.ForEachAsync(LongRange(subscriptions), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency }, async (i, ct) =>
        {
            var agency = Names.Follower((int)(i % o.Agencies));
            await Http.SendAsync(http, HttpMethod.Put, $"{silos[(int)(i % silos.Count)]}/v1/subscriptions/citizens/{Names.Citizen(i)}", keys[agency],
                new { purpose = Purpose }, ct);
            if (Interlocked.Increment(ref done) % 50_000 == 0)
            {
                Console.Error.WriteLine($"setup: {done} subscriptions ({done / sw.Elapsed.TotalSeconds:F0}/s)");
            }
        });
        var subscriptionSeconds = sw.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"setup: {subscriptions} citizen subscriptions + {o.Population} population subscriptions in {subscriptionSeconds:F1} s");

        // The citizens the run changes: the first `active` of the followed ones, so every follower has some.
        sw.Restart();
        await Parallel.ForEachAsync(LongRange(o.Active), new ParallelOptions { MaxDegreeOfParallelism = o.Concurrency }, async (i, ct) =>
        {
            await Http.SendAsync(http, HttpMethod.Patch, $"{silos[(int)(i % silos.Count)]}/admin/citizens/{Names.Citizen(i)}", o.OperatorKey,
                new { fullName = "Nguyễn Văn Bench", dateOfBirth = "1990-04-12", sex = "male", permanentResidence = "Số 1 phố Huế, Hà Nội" }, ct);
        });
        var citizenSeconds = sw.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"setup: {o.Active} citizens created in {citizenSeconds:F1} s");

        await File.WriteAllTextAsync(o.State, JsonSerializer.Serialize(new State(o.Agencies, o.Population, o.Followed, o.Active, keys)));
        return FormattableString.Invariant(
            $"agencies={agencies.Count} agency_s={agencySeconds:F1} subscriptions={subscriptions} subscription_s={subscriptionSeconds:F1} subscription_rps={subscriptions / subscriptionSeconds:F0} citizens={o.Active} citizen_s={citizenSeconds:F1} total_s={total.Elapsed.TotalSeconds:F1}");
    }

    private static IEnumerable<long> LongRange(long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return i;
        }
    }
}

/// <summary>What setup made, for the run: the scale and every agency's key.</summary>
internal sealed record State(int Agencies, int Population, int Followed, long Active, Dictionary<string, string> Keys);

/// <summary>The benchmark's agency codes and citizen IDs.</summary>
internal static class Names
{
    public static string Follower(int i) => FormattableString.Invariant($"PB{i:D4}");

    public static string Population(int i) => FormattableString.Invariant($"PBPOP{i:D2}");

    // 001 (Hà Nội) 0 (male, 20th century) 90 (born 1990) + six digits: a million valid IDs matching the created records.
    public static string Citizen(long i) => FormattableString.Invariant($"001090{i:D6}");

    public static long IndexOf(string citizenId) => long.Parse(citizenId.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture);
}

internal static class Http
{
    public static HttpClient Client(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Sends and returns the body; retries a few times on 5xx, 429 or a connection error (a silo may be busy).</summary>
    public static async Task<string> SendAsync(HttpClient http, HttpMethod method, string url, string key, object? body, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new("Bearer", key);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                using var response = await http.SendAsync(request, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return text;
                }

                if (attempt >= 5 || ((int)response.StatusCode < 500 && (int)response.StatusCode != 429))
                {
                    throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && attempt < 5 && !ct.IsCancellationRequested)
            {
            }

            await Task.Delay(200 * attempt, ct);
        }
    }
}
