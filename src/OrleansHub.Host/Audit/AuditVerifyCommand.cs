using Npgsql;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Audit;

/// <summary>
/// <c>OrleansHub.Host audit verify [--against CHECKPOINTS]</c>: recomputes every audit chain in the configured database
/// (keyed batches with their key from <c>Hub:Audit:Keys</c>) and, given the checkpoint file, checks every checkpointed
/// chain still exists, starts and reaches its checkpointed head unchanged. Exit 0 when intact, 1 naming each broken
/// chain and batch (never an entry's content), 2 when it cannot run (no database, an unauthentic checkpoint file).
/// <c>OrleansHub.Host audit checkpoint --out CHECKPOINTS</c>: verifies as above against the file so far, then appends
/// every chain's start and head, signed with the current audit key. Exit 0 when appended, 1 when the log is broken
/// (nothing appended), 2 when it cannot run.
/// </summary>
public static class AuditVerifyCommand
{
    public static Task<int> RunAsync(string[] args) => RunAsync("verify", "--against", args);

    public static Task<int> RunCheckpointAsync(string[] args) => RunAsync("checkpoint", "--out", args);

    private static async Task<int> RunAsync(string verb, string fileOption, string[] args)
    {
        var name = $"audit {verb}";
        var index = Array.IndexOf(args, fileOption);
        var file = index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        if (index >= 0 && file is null || verb == "checkpoint" && file is null)
        {
            await Console.Error.WriteLineAsync($"{name}: {fileOption} FILE is required.");
            return 2;
        }

        var rest = index >= 0 ? [.. args[..index], .. args[(index + 2)..]] : args;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(rest);
        if (builder.Configuration.GetStorageMode() != StorageMode.Postgres)
        {
            await Console.Error.WriteLineAsync($"{name}: set ConnectionStrings__Postgres to the database to {verb}.");
            return 2;
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddNpgsqlDataSource(builder.Configuration.GetPostgresConnectionString());
        builder.Services.AddSingleton<PostgresAuditStore>();
        AuditKeyRing keys;
        try
        {
            keys = AuditKeyRing.From(builder.Configuration.GetSection(AuditOptions.Section).Get<AuditOptions>() ?? new AuditOptions());
        }
        catch (InvalidOperationException exception)
        {
            await Console.Error.WriteLineAsync($"{name}: {exception.Message}");
            return 2;
        }

        builder.Services.AddSingleton(sp => new AuditVerifier(sp.GetRequiredService<PostgresAuditStore>(), keys));
        using var host = builder.Build();
        try
        {
            var checkpoints = file is null ? null : AuditCheckpoints.Read(file, keys);
            var result = await host.Services.GetRequiredService<AuditVerifier>().VerifyAsync(checkpoints);
            if (!result.Intact)
            {
                foreach (var broken in result.Breaks)
                {
                    await Console.Out.WriteLineAsync($"{name}: BROKEN {broken.Kind}: {broken.Description}");
                }

                await Console.Out.WriteLineAsync($"{name}: {result.Breaks.Select(b => b.ChainId).Distinct().Count()} of {Math.Max(result.Chains, result.CheckpointedChains)} chain(s) broken.");
                return 1;
            }

            var summary = $"intact: {result.Chains} chain(s), {result.Batches} batch(es), {result.Entries} entries"
                + (result.UnkeyedBatches > 0 ? $", {result.UnkeyedBatches} batch(es) unkeyed (written before audit keys)" : "")
                + (checkpoints is null ? "" : $"; {result.CheckpointedChains} checkpointed chain(s) match {checkpoints.Count} checkpoint(s)");
            if (verb == "checkpoint")
            {
                var chains = await ReadPositionsAsync(host.Services.GetRequiredService<PostgresAuditStore>());
                AuditCheckpoints.Append(file!, keys, chains, DateTimeOffset.UtcNow);
                await Console.Out.WriteLineAsync($"{name}: {summary}; appended a checkpoint of {chains.Count} chain(s) to {file}.");
                return 0;
            }

            await Console.Out.WriteLineAsync($"{name}: {summary}.");
            return 0;
        }
        catch (AuditCheckpointException exception)
        {
            await Console.Error.WriteLineAsync($"{name}: the checkpoint file cannot be trusted: {exception.Message}");
            return 2;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            await Console.Error.WriteLineAsync($"{name}: the database has no audit log; run migrate first.");
            return 2;
        }
        catch (NpgsqlException exception)
        {
            await Console.Error.WriteLineAsync($"{name}: the database refused: {exception.GetType().Name} {(exception as PostgresException)?.SqlState}");
            return 2;
        }
    }

    /// <summary>Every chain's first batch and head as they are now.</summary>
    private static async Task<IReadOnlyList<AuditChainCheckpoint>> ReadPositionsAsync(IAuditChainSource source)
    {
        var positions = new List<AuditChainCheckpoint>();
        foreach (var chainId in await source.ReadChainIdsAsync(CancellationToken.None))
        {
            var head = await source.ReadHeadAsync(chainId, CancellationToken.None);
            var first = await source.ReadBatchAsync(chainId, 1, CancellationToken.None);
            if (head is not null && first is not null)
            {
                positions.Add(new AuditChainCheckpoint(chainId, Convert.ToHexStringLower(first.Hash), head.LastSequence, Convert.ToHexStringLower(head.LastHash)));
            }
        }

        return positions;
    }
}
