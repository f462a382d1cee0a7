using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Storage;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Audit;

/// <summary>
/// Issue 14, finding 3: an insider with the database cannot erase or rewrite the audit undetected. The hub writes as the
/// runtime role (which may not UPDATE, DELETE, TRUNCATE, ALTER or disable a trigger); each attack below is then run as
/// the server's superuser, who can do all of that, and `audit verify --against` the signed checkpoints catches it.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class AuditTrustTests(PostgresServer postgres) : IDisposable
{
    private static readonly string[] AppendOnlyTables = ["audit_log", "audit_batches", "audit_chains", "fee_ledger"];

    private readonly string _checkpoints = Path.Combine(Path.GetTempPath(), $"orleanshub-checkpoints-{Guid.NewGuid():N}.jsonl");

    private static AuditKeyRing Keys => new(new Dictionary<string, string> { [DatabaseRoles.AuditKeyId] = DatabaseRoles.AuditKey }, DatabaseRoles.AuditKeyId);

    public void Dispose() => File.Delete(_checkpoints);

    [Theory]
    [InlineData("UPDATE {0} SET {1}")]
    [InlineData("DELETE FROM {0}")]
    [InlineData("TRUNCATE {0}")]
    [InlineData("ALTER TABLE {0} DISABLE TRIGGER USER")]
    [InlineData("ALTER TABLE {0} DISABLE TRIGGER ALL")]
    [InlineData("ALTER TABLE {0} OWNER TO hub_runtime")]
    [InlineData("DROP TABLE {0}")]
    public async Task RuntimeRole_ChangingAnAppendOnlyTable_IsRefusedByPrivileges(string statement)
    {
        var (owner, runtime) = await CreateDatabaseAsync();
        await WriteAsync(runtime, batches: 2);
        await using var dataSource = NpgsqlDataSource.Create(runtime);
        var sets = new Dictionary<string, string>
        {
            ["audit_log"] = "reason = 'x'",
            ["audit_batches"] = "entry_count = 1",
            ["audit_chains"] = "last_sequence = 1",
            ["fee_ledger"] = "amount_vnd = 0",
        };

        foreach (var table in AppendOnlyTables)
        {
            var failure = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(dataSource, string.Format(System.Globalization.CultureInfo.InvariantCulture, statement, table, sets[table])));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, failure.SqlState);
        }

        // Nothing reaches a partition directly either, nor may the runtime role make tables of its own.
        var partition = await ScalarAsync(NpgsqlDataSource.Create(owner), "SELECT min(c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_log'::regclass");
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege,
            (await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(dataSource, $"DELETE FROM {partition}"))).SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege,
            (await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(dataSource, "CREATE TABLE runtime_owned (id int)"))).SqlState);
        Assert.True((await Verifier(owner).VerifyAsync()).Intact);
    }

    [Fact]
    public async Task RuntimeRole_WritesKeyedBatchesAcrossMonthsAndTheLedger_ButOwnsNothing()
    {
        var (owner, runtime) = await CreateDatabaseAsync();
        await using (var audit = AuditServices.Create(runtime, maxBatchEntries: 1, keyed: true))
        {
            await audit.StartAsync();
            await audit.Log.AppendAsync([AuditEntries.New(at: new DateTimeOffset(2031, 3, 31, 23, 0, 0, TimeSpan.Zero))]);
            await audit.Log.AppendAsync([AuditEntries.New(at: new DateTimeOffset(2031, 4, 1, 1, 0, 0, TimeSpan.Zero))]);
        }

        await using var ownerSource = NpgsqlDataSource.Create(owner);
        Assert.Equal(0L, await ScalarAsync(ownerSource, "SELECT count(*) FROM pg_class WHERE relowner = 'hub_runtime'::regrole"));
        Assert.Equal(0L, await ScalarAsync(ownerSource, "SELECT count(*) FROM audit_batches WHERE key_id IS DISTINCT FROM 'test-2026'"));
        Assert.Equal(6_000L, await ScalarAsync(ownerSource, "SELECT sum(amount_vnd)::bigint FROM fee_ledger"));
        var verification = await Verifier(owner).VerifyAsync();
        Assert.True(verification.Intact);
        Assert.Equal((2L, 0L), (verification.Batches, verification.UnkeyedBatches));
    }

    [Fact]
    public async Task Verify_WholeChainDeletedBySuperuser_PassesWithoutCheckpointsAndFailsAgainstThem()
    {
        var (owner, runtime) = await CreateDatabaseAsync();
        var doomed = await WriteAsync(runtime, batches: 3);
        var kept = await WriteAsync(runtime, batches: 2);
        await CheckpointAsync(owner);

        await AsSuperuserAsync(owner, $"""
            DELETE FROM audit_log WHERE chain_id = '{doomed}';
            DELETE FROM audit_batches WHERE chain_id = '{doomed}';
            DELETE FROM audit_chains WHERE chain_id = '{doomed}';
            """);

        Assert.True((await Verifier(owner).VerifyAsync()).Intact); // what the database alone can show
        var verification = await VerifyAgainstCheckpointsAsync(owner);
        var broken = Assert.Single(verification.Breaks);
        Assert.Equal((doomed, AuditBreakKind.ChainDeleted), (broken.ChainId, broken.Kind));
        Assert.NotEqual(kept, broken.ChainId);
    }

    [Fact]
    public async Task Verify_TailCutAndHeadMovedBackBySuperuser_FailsAgainstCheckpoints()
    {
        var (owner, runtime) = await CreateDatabaseAsync();
        var chain = await WriteAsync(runtime, batches: 4);
        await CheckpointAsync(owner);

        await AsSuperuserAsync(owner, $"""
            DELETE FROM audit_log WHERE chain_id = '{chain}' AND batch_sequence > 2;
            DELETE FROM audit_batches WHERE chain_id = '{chain}' AND sequence > 2;
            UPDATE audit_chains SET last_sequence = 2, last_hash = (SELECT hash FROM audit_batches WHERE chain_id = '{chain}' AND sequence = 2)
            WHERE chain_id = '{chain}';
            """);

        Assert.True((await Verifier(owner).VerifyAsync()).Intact);
        var broken = Assert.Single((await VerifyAgainstCheckpointsAsync(owner)).Breaks);
        Assert.Equal((chain, 4L, AuditBreakKind.TailCut), (broken.ChainId, broken.Sequence, broken.Kind));
    }

    [Fact]
    public async Task Verify_EntryEditedAndBatchRehashedWithoutTheKey_IsDetected()
    {
        var (owner, runtime) = await CreateDatabaseAsync();
        var chain = await WriteAsync(runtime, batches: 3);

        // The insider edits an entry of batch 2 and rehashes that batch and the rest of the chain, as the unkeyed
        // SHA-256 chain allowed, keeping the key ID: without the key the hashes cannot match.
        await RewriteChainAsync(owner, chain, editBatch: 2, keepKeyId: true);

        var broken = Assert.Single((await Verifier(owner).VerifyAsync()).Breaks);
        Assert.Equal((chain, 2L, AuditBreakKind.EntriesAltered), (broken.ChainId, broken.Sequence, broken.Kind));
    }

    [Fact]
    public async Task Verify_WholeChainRewrittenAsUnkeyedBySuperuser_FailsAgainstCheckpoints()
    {
        var (owner, runtime) = await CreateDatabaseAsync();
        var chain = await WriteAsync(runtime, batches: 3);
        await CheckpointAsync(owner);

        // Rewritten from its first batch as an "old", unkeyed chain: internally consistent, so only the checkpoint shows it.
        await RewriteChainAsync(owner, chain, editBatch: 2, keepKeyId: false);

        var alone = await Verifier(owner).VerifyAsync();
        Assert.True(alone.Intact);
        Assert.Equal(3L, alone.UnkeyedBatches);
        var broken = Assert.Single((await VerifyAgainstCheckpointsAsync(owner)).Breaks);
        Assert.Equal((chain, AuditBreakKind.CheckpointMismatch), (broken.ChainId, broken.Kind));
    }

    [Fact]
    public async Task Verify_CheckpointedHeadBatchDeletedWhileTheChainGoesOn_FailsAgainstCheckpoints()
    {
        var (owner, runtime) = await CreateDatabaseAsync();
        await using var audit = AuditServices.Create(runtime, maxBatchEntries: 1, keyed: true);
        await audit.StartAsync();
        for (var i = 0; i < 2; i++)
        {
            await audit.Log.AppendAsync([AuditEntries.New()]);
        }

        await CheckpointAsync(owner);
        await audit.Log.AppendAsync([AuditEntries.New()]);
        var chain = audit.Writer.ChainId;

        await AsSuperuserAsync(owner, $"""
            DELETE FROM audit_log WHERE chain_id = '{chain}' AND batch_sequence = 2;
            DELETE FROM audit_batches WHERE chain_id = '{chain}' AND sequence = 2;
            """);

        var verification = await VerifyAgainstCheckpointsAsync(owner);
        Assert.Contains(verification.Breaks, b => b.ChainId == chain && b.Kind == AuditBreakKind.CheckpointedHeadMissing && b.Sequence == 2);
        Assert.Contains(verification.Breaks, b => b.ChainId == chain && b.Kind == AuditBreakKind.MissingBatch);
    }

    [Fact]
    public async Task Checkpoints_LineEditedOrRemoved_AreNotTrusted()
    {
        var (owner, runtime) = await CreateDatabaseAsync();
        await WriteAsync(runtime, batches: 2);
        await CheckpointAsync(owner);
        await WriteAsync(runtime, batches: 1);
        await CheckpointAsync(owner);
        var lines = await File.ReadAllLinesAsync(_checkpoints);
        Assert.Equal(2, lines.Length);

        await File.WriteAllLinesAsync(_checkpoints, [lines[1]]);
        Assert.Contains("does not follow", Assert.Throws<AuditCheckpointException>(() => AuditCheckpoints.Read(_checkpoints, Keys)).Message, StringComparison.Ordinal);

        await File.WriteAllLinesAsync(_checkpoints, [lines[0].Replace("\"sequence\":2", "\"sequence\":1", StringComparison.Ordinal), lines[1]]);
        Assert.Contains("signature", Assert.Throws<AuditCheckpointException>(() => AuditCheckpoints.Read(_checkpoints, Keys)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_BatchesWrittenBeforeKeys_StillVerifyAndAreReportedUnkeyed()
    {
        var (owner, runtime) = await CreateDatabaseAsync();
        await using (var unkeyed = AuditServices.Create(runtime, maxBatchEntries: 1))
        {
            await unkeyed.StartAsync();
            await unkeyed.Log.AppendAsync([AuditEntries.New()]);
        }

        await WriteAsync(runtime, batches: 2);

        var verification = await Verifier(owner).VerifyAsync();
        Assert.True(verification.Intact);
        Assert.Equal((3L, 1L), (verification.Batches, verification.UnkeyedBatches));
    }

    /// <summary>A fresh database migrated by the owner (the server's superuser) with the runtime role granted.</summary>
    private async Task<(string Owner, string Runtime)> CreateDatabaseAsync()
    {
        var owner = await postgres.CreateDatabaseAsync();
        await DatabaseRoles.EnsureRuntimeRoleAsync(owner);
        await using var dataSource = NpgsqlDataSource.Create(owner);
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(Migration.LoadEmbedded(), runtimeRole: DatabaseRoles.Runtime);
        return (owner, DatabaseRoles.RuntimeConnectionString(owner));
    }

    /// <summary>Writes one keyed chain of <paramref name="batches"/> one-entry batches as the runtime role; returns its ID.</summary>
    private static async Task<Guid> WriteAsync(string runtime, int batches)
    {
        await using var audit = AuditServices.Create(runtime, maxBatchEntries: 1, keyed: true);
        await audit.StartAsync();
        for (var i = 0; i < batches; i++)
        {
            await audit.Log.AppendAsync([AuditEntries.New()]);
        }

        return audit.Writer.ChainId;
    }

    private static AuditVerifier Verifier(string connectionString) => new(new PostgresAuditStore(NpgsqlDataSource.Create(connectionString)), Keys);

    private Task CheckpointAsync(string owner) => RunCommandAsync(owner, "checkpoint", "--out", expectedExit: 0);

    private async Task<AuditVerification> VerifyAgainstCheckpointsAsync(string owner)
    {
        // The operator's command reports it too (exit 1 naming the chain); the verifier gives the detail to assert on.
        await RunCommandAsync(owner, "verify", "--against", expectedExit: 1);
        return await Verifier(owner).VerifyAsync(AuditCheckpoints.Read(_checkpoints, Keys));
    }

    private async Task RunCommandAsync(string connectionString, string verb, string option, int expectedExit)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Cluster.HubProcess.HostAssembly, "audit", verb, option, _checkpoints])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Postgres"] = connectionString,
                ["Hub__Audit__KeyId"] = DatabaseRoles.AuditKeyId,
                [$"Hub__Audit__Keys__{DatabaseRoles.AuditKeyId}"] = DatabaseRoles.AuditKey,
            },
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await error;
        Assert.True(process.ExitCode == expectedExit, $"audit {verb} exited {process.ExitCode}: {text}");
        Assert.DoesNotContain(DatabaseRoles.AuditKey, text, StringComparison.Ordinal);
    }

    /// <summary>As the superuser: triggers off, <paramref name="sql"/>, triggers on, as an insider would.</summary>
    private static async Task AsSuperuserAsync(string owner, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(owner);
        var disable = string.Join('\n', AppendOnlyTables.Select(t => $"ALTER TABLE {t} DISABLE TRIGGER USER;"));
        var enable = string.Join('\n', AppendOnlyTables.Select(t => $"ALTER TABLE {t} ENABLE TRIGGER USER;"));
        await ExecuteAsync(dataSource, $"BEGIN;\n{disable}\n{sql}\n{enable}\nCOMMIT;");
    }

    /// <summary>Edits an entry of <paramref name="editBatch"/> and rehashes from there on (or from the start when dropping keys).</summary>
    private static async Task RewriteChainAsync(string owner, Guid chain, long editBatch, bool keepKeyId)
    {
        await using var dataSource = NpgsqlDataSource.Create(owner);
        var store = new PostgresAuditStore(dataSource);
        var batches = await store.ReadBatchesAsync(chain, long.MaxValue, CancellationToken.None).ToListAsync();
        var entries = await store.ReadEntriesAsync(chain, long.MaxValue, CancellationToken.None).ToListAsync();
        using var hasher = new AuditBatchHasher(); // the insider has no key
        var previous = keepKeyId ? batches[(int)editBatch - 2].Hash : AuditBatchHasher.Genesis.ToArray();
        var sql = new System.Text.StringBuilder();
        foreach (var batch in batches.Where(b => b.Sequence >= (keepKeyId ? editBatch : 1)))
        {
            var own = entries.Where(e => e.BatchSequence == batch.Sequence).Select(e => e.Entry).ToList();
            if (batch.Sequence == editBatch)
            {
                own[0] = own[0] with { Reason = "edited" };
                sql.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"UPDATE audit_log SET reason = 'edited' WHERE id = '{own[0].Id}';");
            }

            hasher.Begin(chain, batch.Sequence, previous, own.Count);
            own.ForEach(hasher.Add);
            var hash = hasher.Finish();
            sql.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                $"UPDATE audit_batches SET previous_hash = '\\x{Convert.ToHexStringLower(previous)}', hash = '\\x{Convert.ToHexStringLower(hash)}'{(keepKeyId ? "" : ", key_id = NULL")} WHERE chain_id = '{chain}' AND sequence = {batch.Sequence};");
            previous = hash;
        }

        sql.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"UPDATE audit_chains SET last_hash = '\\x{Convert.ToHexStringLower(previous)}' WHERE chain_id = '{chain}';");
        await AsSuperuserAsync(owner, sql.ToString());
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }
}
