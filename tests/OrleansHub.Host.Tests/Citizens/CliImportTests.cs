using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;
using OrleansHub.Cli.Commands;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;
using Xunit.Abstractions;

namespace OrleansHub.Host.Tests.Citizens;

/// <summary>
/// The operator's CLI (<c>orleanshub generate</c>, <c>orleanshub import</c>) against the real embedded hub, not a
/// stand-in: every citizen of the file is then in the registry exactly once (one record, one history entry) with the data
/// of its line. On PostgreSQL, with an import cut off mid-way: <see cref="CliImportPostgresTests"/>.
/// </summary>
public sealed class CliImportTests
{
    private const int Count = CliImport.Count;

    [Fact]
    public async Task Import_IntoEmbeddedHub_EveryCitizenArrivesOnceWithItsData()
    {
        using var folder = new CliImport.ScratchFolder();
        var file = await CliImport.GenerateAsync(folder, Count);
        await using var factory = new EmbeddedHubFactory();
        using var admin = factory.CreateOperatorClient();

        var run = await CliImport.CliAsync("import", "--file", file, "--hub", admin.BaseAddress!.ToString(), "--key", EmbeddedHubFactory.DevelopmentKey);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains($"{Count:N0} lines, {Count:N0} created, 0 updated, 0 unchanged, 0 rejected", run.Output, StringComparison.Ordinal);
        await CliImport.AssertEveryCitizenOnceWithItsDataAsync(admin, file);
    }
}

/// <summary>
/// The CLI against a real PostgreSQL hub, with an import cut off mid-way (the CLI process killed while the registry's
/// writes are held at a gate the test opens only afterwards) and then run again, as an operator resumes: every citizen of
/// the file is then in the registry exactly once (one row, one history entry, version 1) with the data of its line.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class CliImportPostgresTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Count = CliImport.Count;

    [Fact]
    public async Task Import_IntoPostgresHub_KilledMidwayThenRunAgain_EveryCitizenOnceWithItsData()
    {
        using var folder = new CliImport.ScratchFolder();
        var file = await CliImport.GenerateAsync(folder, Count);
        var database = await postgres.CreateDatabaseAsync();
        await using var hub = await HubProcess.StartAsync(database, $"import-{Guid.NewGuid():N}");
        await using var dataSource = NpgsqlDataSource.Create(database);
        const int gateAfter = 500;

        // The gate: past the first 500 citizen rows, each insert waits for a lock this test holds, so the import is
        // certainly mid-way (some citizens committed, the rest held) when the CLI is killed.
        await using var gate = await dataSource.OpenConnectionAsync();
        await CliImport.ExecuteAsync(gate, "SELECT pg_advisory_lock(4242)");
        await CliImport.ExecuteAsync(gate, $"""
            CREATE SEQUENCE test_import_gate_rows;
            CREATE FUNCTION test_import_gate() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
                IF nextval('test_import_gate_rows') > {gateAfter} THEN
                    PERFORM pg_advisory_xact_lock_shared(4242);
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_import_gate BEFORE INSERT ON citizen_state FOR EACH ROW EXECUTE FUNCTION test_import_gate();
            """);

        var cli = CliImport.StartCli("import", "--file", file, "--hub", hub.Client.BaseAddress!.ToString(), "--key", HubProcess.OperatorKey);
        try
        {
            var held = Stopwatch.StartNew();
            while (await CliImport.ScalarAsync(dataSource, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0)
            {
                Assert.False(cli.HasExited, $"The CLI ended before the gate held it (exit {(cli.HasExited ? cli.ExitCode : 0)}).");
                Assert.True(held.Elapsed < TimeSpan.FromSeconds(120), "The import never reached the gate.");
                await Task.Delay(100);
            }

            cli.Kill(entireProcessTree: true);
            await cli.WaitForExitAsync();
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }

            cli.Dispose();
        }

        var beforeResume = await CliImport.ScalarAsync(dataSource, "SELECT count(*) FROM citizen_state");
        output.WriteLine($"CLI killed at the gate with {beforeResume} of {Count} citizens committed.");
        Assert.InRange(beforeResume, 1, Count - 1);
        // Open the gate (what the killed request still had in flight may now land), then remove it.
        await CliImport.ExecuteAsync(gate, "SELECT pg_advisory_unlock(4242)");
        await CliImport.ExecuteAsync(gate, "DROP TRIGGER test_import_gate ON citizen_state; DROP FUNCTION test_import_gate(); DROP SEQUENCE test_import_gate_rows");

        var resumed = await CliImport.CliAsync("import", "--file", file, "--hub", hub.Client.BaseAddress!.ToString(), "--key", HubProcess.OperatorKey);

        Assert.True(resumed.ExitCode == ExitCodes.Success, resumed.Error);
        var summary = CliImport.Summary(resumed.Output);
        output.WriteLine(resumed.Output.Trim());
        Assert.Equal((Count, 0, 0), (summary.Lines, summary.Updated, summary.Rejected));
        Assert.Equal(Count, summary.Created + summary.Unchanged);
        // The hub may finish what the killed CLI had already sent once the gate opens, so the rerun can find every
        // citizen there (0 created); what it must never do is create one twice or lose one.
        Assert.True(summary.Unchanged >= beforeResume, resumed.Output);
        Assert.Equal(Count, await CliImport.ScalarAsync(dataSource, "SELECT count(*) FROM citizen_state"));
        Assert.Equal(Count, await CliImport.ScalarAsync(dataSource, "SELECT count(DISTINCT citizen_id) FROM citizen_history"));
        Assert.Equal(Count, await CliImport.ScalarAsync(dataSource, "SELECT count(*) FROM citizen_history"));
        await CliImport.AssertEveryCitizenOnceWithItsDataAsync(hub.Client, file);
    }
}

/// <summary>What both CLI import test classes share: a generated file, the CLI run in-process or as a process, the check of the registry.</summary>
internal static class CliImport
{
    public const int Count = 1_500;

    /// <summary>Each line's citizen: version 1, one history entry (its creation), and every field of the line as the registry holds it.</summary>
    public static async Task AssertEveryCitizenOnceWithItsDataAsync(HttpClient admin, string file)
    {
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(Count, lines.Length);
        var wrong = new List<string>();
        foreach (var chunk in lines.Chunk(16))
        {
            wrong.AddRange((await Task.WhenAll(chunk.Select(line => CheckAsync(admin, line)))).OfType<string>());
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {Count} citizens wrong:\n{string.Join('\n', wrong.Take(20))}");
    }

    private static async Task<string?> CheckAsync(HttpClient admin, string line)
    {
        var expected = JsonDocument.Parse(line).RootElement;
        var id = expected.GetProperty("id").GetString()!;
        using var response = await admin.GetAsync($"/admin/citizens/{id}");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"{id}: {(int)response.StatusCode}";
        }

        var record = await response.ReadJsonAsync();
        var history = (await (await admin.GetAsync($"/admin/citizens/{id}/history")).ReadJsonAsync()).GetProperty("changes").GetArrayLength();
        var problems = new List<string>();
        if (record.GetProperty("version").GetInt64() != 1 || history != 1)
        {
            problems.Add($"version {record.GetProperty("version")}, {history} history entries");
        }

        var fields = record.GetProperty("fields");
        foreach (var property in expected.EnumerateObject().Where(p => p.Name is not ("id" or "card")))
        {
            var held = fields.TryGetProperty(property.Name, out var field) ? field.GetProperty("value").ToString() : null;
            var empty = property.Value.ValueKind == JsonValueKind.Null || property.Value is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() == 0;
            if (empty ? held is not (null or "[]") : held != (property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText()))
            {
                problems.Add($"{property.Name} is {held ?? "absent"}, not {property.Value.GetRawText()}");
            }
        }

        if (expected.TryGetProperty("card", out var card) && card.ValueKind == JsonValueKind.Object
            && (!fields.TryGetProperty("cardNumber", out var number) || number.GetProperty("value").GetString() != card.GetProperty("number").GetString()))
        {
            problems.Add("card number missing or wrong");
        }

        return problems.Count == 0 ? null : $"{id}: {string.Join("; ", problems)}";
    }

    public static async Task<string> GenerateAsync(ScratchFolder folder, int count)
    {
        var path = folder.File("citizens.ndjson");
        var seed = Random.Shared.Next(1, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var run = await CliAsync("generate", "--count", count.ToString(CultureInfo.InvariantCulture), "--seed", seed, "--today", "2026-11-28", "--out", path);
        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        return path;
    }

    /// <summary>Runs the CLI in this process with its output captured.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> CliAsync(params string[] args)
    {
        using var outputWriter = new StringWriter(CultureInfo.InvariantCulture);
        using var errorWriter = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await HubCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = outputWriter, Error = errorWriter });
        return (exitCode, outputWriter.ToString(), errorWriter.ToString());
    }

    /// <summary>Starts the CLI built beside the tests as its own OS process, so it can be killed like an operator's shell would lose it.</summary>
    public static Process StartCli(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "orleanshub.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>"imported citizens.ndjson: 1,500 lines, 1,000 created, 0 updated, 500 unchanged, 0 rejected in 1.2 s".</summary>
    public static (int Lines, int Created, int Updated, int Unchanged, int Rejected) Summary(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output,
            @"([\d,]+) lines, ([\d,]+) created, ([\d,]+) updated, ([\d,]+) unchanged, ([\d,]+) rejected");
        Assert.True(match.Success, output);
        int At(int group) => int.Parse(match.Groups[group].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        return (At(1), At(2), At(3), At(4), At(5));
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>A scratch folder deleted after the test.</summary>
    public sealed class ScratchFolder : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("orleanshub-cli-import-").FullName;

        public string File(string name) => Path.Combine(_path, name);

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }
}
