using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Storage;
using OrleansHub.Host.Tests.Cluster;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Postgres;

namespace OrleansHub.Host.Tests.Audit;

/// <summary>The shared audit behaviour on a real PostgreSQL database (one fresh database per test).</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class PostgresAuditLogTests(PostgresServer postgres) : AuditLogBehaviourTests
{
    protected override async Task<AuditServices> CreateAsync(int maxBatchEntries = 2_000) =>
        AuditServices.Create(await PostgresAudit.CreateDatabaseAsync(postgres), maxBatchEntries);
}

/// <summary>What only the PostgreSQL audit log does: partitions, append-only triggers, tamper detection, refusal.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class PostgresAuditTests(PostgresServer postgres)
{
    [Fact]
    public async Task AppendAsync_EntriesEitherSideOfAMonthBoundary_LandInTheirMonthsPartitions()
    {
        var connectionString = await PostgresAudit.CreateDatabaseAsync(postgres);
        await using var audit = AuditServices.Create(connectionString);
        await audit.StartAsync();
        var lastOfJanuary = AuditEntries.New(at: new DateTimeOffset(2026, 1, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990));
        var firstOfFebruary = AuditEntries.New(at: new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        // In Ha Noi (UTC+7) this is already 1 February; partitions follow UTC.
        var januaryInUtc = AuditEntries.New(at: new DateTimeOffset(2026, 2, 1, 6, 0, 0, TimeSpan.FromHours(7)));

        await audit.Log.AppendAsync([lastOfJanuary, firstOfFebruary, januaryInUtc]);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        Assert.Equal("audit_log_y2026m01", await PartitionOfAsync(dataSource, lastOfJanuary.Id));
        Assert.Equal("audit_log_y2026m02", await PartitionOfAsync(dataSource, firstOfFebruary.Id));
        Assert.Equal("audit_log_y2026m01", await PartitionOfAsync(dataSource, januaryInUtc.Id));
        Assert.True((await audit.Verifier.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task AppendAsync_TwoWritersAtOnceInANewMonth_BothSucceedEachOnAnIntactChain()
    {
        var connectionString = await PostgresAudit.CreateDatabaseAsync(postgres);
        await using var first = AuditServices.Create(connectionString);
        await using var second = AuditServices.Create(connectionString);
        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        var at = new DateTimeOffset(2027, 5, 10, 12, 0, 0, TimeSpan.Zero);

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => (i % 2 == 0 ? first : second).Log.AppendAsync([AuditEntries.New(at: at.AddSeconds(i))]).AsTask()));

        var verification = await first.Verifier.VerifyAsync();
        Assert.True(verification.Intact);
        Assert.Equal((2, 400L), (verification.Chains, verification.Entries));
    }

    [Fact]
    public async Task AppendAsync_DatabaseRefusesTheBatch_EveryWaiterIsRefusedAndLaterAppendsSucceed()
    {
        var connectionString = await PostgresAudit.CreateDatabaseAsync(postgres);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var audit = AuditServices.Create(connectionString);
        await audit.StartAsync();
        var before = AuditEntries.New();
        await audit.Log.AppendAsync([before]);
        await audit.Writer.StopAsync(CancellationToken.None);
        await using var refusing = AuditServices.Create(connectionString);
        await ExecuteAsync(dataSource, "ALTER TABLE audit_batches ADD CONSTRAINT refuse_for_test CHECK (false) NOT VALID");

        var refused = Enumerable.Range(0, 3).Select(_ => AuditEntries.New()).ToList();
        var waiters = refused.Select(e => refusing.Log.AppendAsync([e]).AsTask()).ToList();
        await refusing.StartAsync();
        foreach (var waiter in waiters)
        {
            await Assert.ThrowsAsync<AuditUnavailableException>(() => waiter);
        }

        await ExecuteAsync(dataSource, "ALTER TABLE audit_batches DROP CONSTRAINT refuse_for_test");
        var after = AuditEntries.New();
        await refusing.Log.AppendAsync([after]);

        Assert.NotNull(await refusing.Reader.FindAsync(after.Id));
        foreach (var entry in refused)
        {
            Assert.Null(await refusing.Reader.FindAsync(entry.Id));
        }

        var verification = await refusing.Verifier.VerifyAsync();
        Assert.True(verification.Intact);
        Assert.Equal((2, 2L), (verification.Chains, verification.Entries));
    }

    [Theory]
    [InlineData("UPDATE audit_log SET purpose = 'changed'")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    [InlineData("TRUNCATE audit_log_y2026m06")]
    [InlineData("UPDATE audit_batches SET entry_count = entry_count + 1")]
    [InlineData("DELETE FROM audit_batches")]
    [InlineData("DELETE FROM audit_chains")]
    [InlineData("UPDATE audit_chains SET last_sequence = last_sequence - 1")]
    public async Task ChangeThroughTheNormalPath_IsRefusedByTheTrigger(string sql)
    {
        var connectionString = await PostgresAudit.CreateDatabaseAsync(postgres);
        await using var audit = AuditServices.Create(connectionString);
        await audit.StartAsync();
        await audit.Log.AppendAsync([AuditEntries.New(at: new DateTimeOffset(2026, 6, 15, 10, 0, 0, TimeSpan.Zero))]);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(dataSource, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.True((await audit.Verifier.VerifyAsync()).Intact);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET citizen_id = '001090000000' WHERE chain_id = @chain AND batch_sequence = 2 AND batch_position = 1", 2L, AuditBreakKind.EntriesAltered)]
    [InlineData("UPDATE audit_log SET fields = array_append(fields, 'spouse') WHERE chain_id = @chain AND batch_sequence = 1 AND batch_position = 0", 1L, AuditBreakKind.EntriesAltered)]
    [InlineData("DELETE FROM audit_log WHERE chain_id = @chain AND batch_sequence = 2 AND batch_position = 0", 2L, AuditBreakKind.EntriesAltered)]
    [InlineData("INSERT INTO audit_log SELECT gen_random_uuid(), at, agency_code, citizen_id, operation, purpose, fields, outcome, reason, fee_vnd, request_id, chain_id, batch_sequence, 99, fee_product, fee_fields, fee_exempt, fee_schedule FROM audit_log WHERE chain_id = @chain AND batch_sequence = 2 AND batch_position = 0", 2L, AuditBreakKind.EntriesAltered)]
    [InlineData("DELETE FROM audit_log WHERE chain_id = @chain AND batch_sequence = 2; DELETE FROM audit_batches WHERE chain_id = @chain AND sequence = 2", 2L, AuditBreakKind.MissingBatch)]
    [InlineData("DELETE FROM audit_batches WHERE chain_id = @chain AND sequence = 2", 2L, AuditBreakKind.EntriesWithoutBatch)]
    [InlineData("UPDATE audit_batches SET hash = sha256(hash) WHERE chain_id = @chain AND sequence = 1", 1L, AuditBreakKind.EntriesAltered)]
    [InlineData("DELETE FROM audit_log WHERE chain_id = @chain AND batch_sequence = 3; DELETE FROM audit_batches WHERE chain_id = @chain AND sequence = 3", 3L, AuditBreakKind.TruncatedChain)]
    public async Task VerifyAsync_LogTamperedBySuperuser_ReportsTheChainAndTheFirstBrokenBatch(string tamper, long brokenSequence, AuditBreakKind kind)
    {
        var connectionString = await PostgresAudit.CreateDatabaseAsync(postgres);
        await using var audit = AuditServices.Create(connectionString);
        await audit.StartAsync();
        for (var batch = 0; batch < 3; batch++)
        {
            await audit.Log.AppendAsync([AuditEntries.New(), AuditEntries.New()]);
        }

        Assert.True((await audit.Verifier.VerifyAsync()).Intact);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await TamperAsync(dataSource, tamper.Replace("@chain", $"'{audit.Writer.ChainId}'", StringComparison.Ordinal));

        var verification = await audit.Verifier.VerifyAsync();

        var broken = Assert.Single(verification.Breaks);
        Assert.Equal((audit.Writer.ChainId, brokenSequence, kind), (broken.ChainId, broken.Sequence, broken.Kind));
    }

    [Fact]
    public async Task AuditVerifyCommand_IntactThenTampered_ExitsZeroThenOneNamingChainAndBatchButNoPersonalData()
    {
        var connectionString = await PostgresAudit.CreateDatabaseAsync(postgres);
        var citizen = TestIds.NewCitizen();
        await using var audit = AuditServices.Create(connectionString);
        await audit.StartAsync();
        await audit.Log.AppendAsync([AuditEntries.New(citizenId: citizen)]);
        await audit.Log.AppendAsync([AuditEntries.New(citizenId: citizen)]);

        var intact = await RunVerifyCommandAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await TamperAsync(dataSource, $"UPDATE audit_log SET purpose = 'MARKETING' WHERE chain_id = '{audit.Writer.ChainId}' AND batch_sequence = 2");
        var tampered = await RunVerifyCommandAsync(connectionString);

        Assert.True(intact.ExitCode == 0, intact.Output);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"chain {audit.Writer.ChainId} batch 2", tampered.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(citizen, tampered.Output, StringComparison.Ordinal);
    }

    private static async Task TamperAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // What a superuser can do: session_replication_role = replica skips the append-only triggers.
        await using (var command = new NpgsqlCommand("SET LOCAL session_replication_role = replica; " + sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> PartitionOfAsync(NpgsqlDataSource dataSource, Guid id)
    {
        await using var command = dataSource.CreateCommand("SELECT tableoid::regclass::text FROM audit_log WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task<(int ExitCode, string Output)> RunVerifyCommandAsync(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet", [HubProcess.HostAssembly, "audit", "verify"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ConnectionStrings__Postgres"] = connectionString },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}

/// <summary>A fresh database with every shipped migration applied.</summary>
internal static class PostgresAudit
{
    public static async Task<string> CreateDatabaseAsync(PostgresServer postgres)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(Migration.LoadEmbedded());
        return connectionString;
    }
}
