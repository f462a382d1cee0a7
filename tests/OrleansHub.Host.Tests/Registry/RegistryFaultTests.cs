using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Registry;

/// <summary>
/// The registry's write path under faults, with real processes: two silos take If-Match PATCHes from 48 concurrent
/// clients (so group commits are in flight all the time); one silo is killed with kill -9 and replaced, then PostgreSQL is
/// stopped for 10 s. Afterwards every acknowledged change is stored with its history entry and its event, nothing is
/// half-written (per citizen: as many history entries as the version says, one event per change, sequences without a
/// gap), and the clients heard only acknowledgements, 412s, 503 problem+json or refused connections, never a 500. The
/// test owns its PostgreSQL server (it stops it), so it runs on its own, never on the shared CI server.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class RegistryFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Citizens = 480;
    private const int Clients = 48;

    private readonly string _runDirectory = Directory.CreateTempSubdirectory("orleanshub-test-writefaults-").FullName;
    private readonly string _port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
    private readonly List<HubProcess> _silos = [];
    private readonly ConcurrentQueue<(string Id, long Version)> _acknowledged = new();
    private readonly ConcurrentDictionary<string, int> _answers = new();

    public async Task InitializeAsync() => await PostgresAsync("start");

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await PostgresAsync("stop");
        Directory.Delete(_runDirectory, recursive: true);
    }

    [Fact]
    public async Task SiloKilledThenPostgresStopped_WithBatchesInFlight_EveryAcknowledgedChangeIsWholeAndNothingIsHalfWritten()
    {
        var database = (await PostgresAsync("env")).Trim();
        var clusterId = $"writefaults-{Guid.NewGuid():N}";
        _silos.Add(await HubProcess.StartAsync(database, clusterId));
        _silos.Add(await HubProcess.StartAsync(database, clusterId));
        var prefix = Random.Shared.Next(100, 999);
        var ids = Enumerable.Range(0, Citizens).Select(i => $"001090{prefix}{i:D3}").ToList();
        await ImportAsync(_silos[0], ids);
        var targets = new[] { _silos[0].Client, _silos[1].Client };

        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(c, [.. ids.Where((_, i) => i % Clients == c)], targets, stop.Token))).ToList();
        await Task.Delay(TimeSpan.FromSeconds(4));
        var before = _acknowledged.Count;
        _silos[1].Kill();
        output.WriteLine($"kill -9 of silo 2 after {before} acknowledged changes");
        await Task.Delay(TimeSpan.FromSeconds(4));
        var replacement = await HubProcess.StartAsync(database, clusterId);
        _silos.Add(replacement);
        targets[1] = replacement.Client;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var beforeStop = _acknowledged.Count;
        await PostgresAsync("stop");
        output.WriteLine($"PostgreSQL stopped after {beforeStop} acknowledged changes");
        await Task.Delay(TimeSpan.FromSeconds(10));
        var duringStop = _acknowledged.Count - beforeStop;
        await PostgresAsync("start");
        await Task.Delay(TimeSpan.FromSeconds(8));
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        output.WriteLine($"answers: {string.Join(", ", _answers.OrderBy(a => a.Key).Select(a => $"{a.Key} x{a.Value}"))}");
        output.WriteLine($"{_acknowledged.Count} acknowledged changes, {duringStop} while PostgreSQL was stopped");
        Assert.All(_answers.Keys, kind => Assert.True(kind is "200" or "412" or "503 /problems/unavailable" || kind.StartsWith("no answer", StringComparison.Ordinal),
            $"clients heard '{kind}': a fault must look like a refused connection or a 503 problem+json, never a 500"));
        Assert.True(_acknowledged.Count > beforeStop + 100, "the cluster went on acknowledging changes after the faults");

        await VerifyAsync(database, ids);
    }

    private async Task ClientAsync(int client, IReadOnlyList<string> ids, HttpClient[] targets, CancellationToken stop)
    {
        var versions = ids.ToDictionary(id => id, _ => (long?)1);
        var turn = client;
        while (!stop.IsCancellationRequested)
        {
            var id = ids[turn++ % ids.Count];
            var target = targets[turn % targets.Length];
            try
            {
                if (versions[id] is not { } version)
                {
                    // The last answer for this citizen never came: ask where it stands before writing again.
                    using var read = await target.GetAsync($"/admin/citizens/{id}", stop);
                    versions[id] = read.IsSuccessStatusCode ? (await read.ReadJsonAsync()).GetProperty("version").GetInt64() : null;
                    continue;
                }

                using var answer = await target.PatchCitizenAsync(id, new { currentResidence = $"Số {turn} phố Lò Đúc, Hà Nội" }, $"\"{version}\"");
                var kind = answer.StatusCode switch
                {
                    HttpStatusCode.OK => "200",
                    HttpStatusCode.PreconditionFailed => "412",
                    _ => $"{(int)answer.StatusCode} {await ProblemTypeAsync(answer)}",
                };
                _answers.AddOrUpdate(kind, 1, (_, n) => n + 1);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    var stored = (await answer.ReadJsonAsync()).GetProperty("version").GetInt64();
                    _acknowledged.Enqueue((id, stored));
                    versions[id] = stored;
                }
                else
                {
                    versions[id] = null;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e)
            {
                _answers.AddOrUpdate($"no answer ({e.HttpRequestError})", 1, (_, n) => n + 1);
                versions[id] = null;
                await Task.Delay(100, CancellationToken.None);
            }
            catch (TaskCanceledException)
            {
                _answers.AddOrUpdate("no answer (timeout)", 1, (_, n) => n + 1);
                versions[id] = null;
            }
        }
    }

    private async Task VerifyAsync(string database, IReadOnlyList<string> ids)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        var keys = ids.Select(id => long.Parse(id, CultureInfo.InvariantCulture)).ToArray();
        var state = new Dictionary<long, int>();
        await ReadAsync(dataSource, "SELECT citizen_id, version FROM citizen_state WHERE citizen_id = ANY ($1)", keys, r => state[r.GetInt64(0)] = r.GetInt32(1));
        var history = new HashSet<(long, long)>();
        await ReadAsync(dataSource, "SELECT citizen_id, version FROM citizen_history WHERE citizen_id = ANY ($1)", keys, r => history.Add((r.GetInt64(0), r.GetInt64(1))));
        var events = new List<(long Citizen, long Sequence, long RecordVersion)>();
        await ReadAsync(dataSource, "SELECT citizen_id::bigint, sequence, record_version FROM citizen_events WHERE citizen_id = ANY ($1)",
            ids.ToArray(), r => events.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt64(2))));

        // Every acknowledged change is stored, with its history entry and its event.
        var missing = _acknowledged.Where(a => !history.Contains((long.Parse(a.Id, CultureInfo.InvariantCulture), a.Version))
            || !events.Contains((long.Parse(a.Id, CultureInfo.InvariantCulture), a.Version - 1, a.Version))
            || state[long.Parse(a.Id, CultureInfo.InvariantCulture)] < a.Version).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged change(s) not stored whole, e.g. version {missing.FirstOrDefault().Version}");

        // Nothing half-written: each record's history runs 1..version, and each change after the first has exactly its event.
        foreach (var key in keys)
        {
            var version = state[key];
            Assert.Equal(Enumerable.Range(1, version).Select(v => (key, (long)v)).ToHashSet(), history.Where(h => h.Item1 == key).ToHashSet());
            var mine = events.Where(e => e.Citizen == key).OrderBy(e => e.Sequence).ToList();
            Assert.Equal(Enumerable.Range(1, version - 1).Select(s => (key, (long)s, (long)s + 1)), mine);
        }
    }

    private static async Task ReadAsync<TKey>(NpgsqlDataSource dataSource, string sql, TKey[] keys, Action<NpgsqlDataReader> row)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = keys });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            row(reader);
        }
    }

    private static async Task ImportAsync(HubProcess hub, IReadOnlyList<string> ids)
    {
        var file = new StringBuilder();
        foreach (var id in ids)
        {
            file.Append(JsonSerializer.Serialize(new { id, fullName = "Võ Văn Kiệt", dateOfBirth = TestIds.DateOfBirth, sex = TestIds.Sex })).Append('\n');
        }

        using var response = await hub.Client.PostAsync("/admin/citizens/import", new StringContent(file.ToString(), Encoding.UTF8, "application/x-ndjson"));
        var summary = JsonDocument.Parse((await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.GetProperty("summary");
        Assert.Equal(ids.Count, summary.GetProperty("created").GetInt32());
    }

    private static async Task<string> ProblemTypeAsync(HttpResponseMessage answer)
    {
        try
        {
            return (await answer.ReadJsonAsync()).GetProperty("type").GetString() ?? "?";
        }
        catch (JsonException)
        {
            return "(not problem+json)";
        }
    }

    private async Task<string> PostgresAsync(string command)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot.Path, "deploy", "postgres.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["HUB_RUN_DIR"] = _runDirectory, ["HUB_PG_PORT"] = _port },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"deploy/postgres.sh {command} failed ({process.ExitCode}): {await stderr}");
    }
}
