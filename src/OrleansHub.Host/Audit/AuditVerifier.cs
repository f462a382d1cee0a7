namespace OrleansHub.Host.Audit;

/// <summary>What is wrong at the first broken batch of a chain.</summary>
public enum AuditBreakKind
{
    /// <summary>A batch's entries do not hash to its stored hash: an entry was edited, deleted or inserted.</summary>
    EntriesAltered,

    /// <summary>A batch does not link to the one before it: a batch row was edited or replaced.</summary>
    BrokenLink,

    /// <summary>A sequence number is missing: a batch row was deleted.</summary>
    MissingBatch,

    /// <summary>Entries name a batch that does not exist: their batch row was deleted or they were inserted.</summary>
    EntriesWithoutBatch,

    /// <summary>The chain's head names a later batch than the log holds: its last batch(es) were deleted.</summary>
    TruncatedChain,

    /// <summary>The chain's head does not match its last batch, or the chain has none.</summary>
    HeadMismatch,

    /// <summary>A batch names an audit key that is not configured: it cannot be checked.</summary>
    UnknownKey,

    /// <summary>An unkeyed batch follows a keyed one: someone rehashed it without the key.</summary>
    KeyDowngrade,

    /// <summary>A checkpointed chain is gone from the database: the whole chain was deleted.</summary>
    ChainDeleted,

    /// <summary>A checkpointed chain now ends before its checkpointed head: its tail was cut.</summary>
    TailCut,

    /// <summary>The batch a checkpoint names as a chain's head is missing while the chain goes on.</summary>
    CheckpointedHeadMissing,

    /// <summary>A chain's first batch or checkpointed head has another hash than checkpointed: the chain was rewritten.</summary>
    CheckpointMismatch,
}

/// <summary>The first problem found in one chain. Names only the chain, the batch and counts, never an entry's content.</summary>
public sealed record AuditChainBreak(Guid ChainId, long Sequence, AuditBreakKind Kind, string Description);

/// <summary>The outcome of verifying every chain of the audit log.</summary>
public sealed record AuditVerification(int Chains, long Batches, long Entries, IReadOnlyList<AuditChainBreak> Breaks)
{
    /// <summary>Batches written before audit keys (plain SHA-256): intact as far as a hash can tell, but not keyed.</summary>
    public long UnkeyedBatches { get; init; }

    /// <summary>Checkpointed chains compared with the database (0 without a checkpoint file).</summary>
    public int CheckpointedChains { get; init; }

    public bool Intact => Breaks.Count == 0;
}

/// <summary>
/// Recomputes every audit chain from the stored rows: each batch's hash from its entries, each batch's link to the one
/// before, and each chain's head. Reports the first broken batch of each chain. A chain is checked up to the head read
/// when its check starts, so batches that live writers commit meanwhile are left for the next run. Keyed batches are
/// recomputed with their key from <see cref="AuditKeyRing"/>. The database alone cannot show that a whole chain is gone
/// or that a chain was rewritten from its start: given checkpoints (<see cref="AuditCheckpoints"/>), every checkpointed
/// chain must still exist and start and reach its checkpointed head with the checkpointed hashes.
/// </summary>
public sealed class AuditVerifier(IAuditChainSource source, AuditKeyRing keys)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        await VerifyAsync(checkpoints: null, cancellationToken);

    public async Task<AuditVerification> VerifyAsync(IReadOnlyList<AuditCheckpoint>? checkpoints, CancellationToken cancellationToken = default)
    {
        var chains = await source.ReadChainIdsAsync(cancellationToken);
        var breaks = new List<AuditChainBreak>();
        long batches = 0, entries = 0, unkeyed = 0;
        var hashers = new Dictionary<string, AuditBatchHasher>(StringComparer.Ordinal);
        try
        {
            foreach (var chainId in chains)
            {
                var result = await VerifyChainAsync(chainId, hashers, cancellationToken);
                batches += result.Batches;
                entries += result.Entries;
                unkeyed += result.Unkeyed;
                if (result.Break is not null)
                {
                    breaks.Add(result.Break);
                }
            }
        }
        finally
        {
            foreach (var hasher in hashers.Values)
            {
                hasher.Dispose();
            }
        }

        var checkpointed = checkpoints is null ? 0 : await CompareWithCheckpointsAsync(chains, AuditCheckpoints.Latest(checkpoints), breaks, cancellationToken);
        return new AuditVerification(chains.Count, batches, entries, breaks) { UnkeyedBatches = unkeyed, CheckpointedChains = checkpointed };
    }

    private async Task<int> CompareWithCheckpointsAsync(IReadOnlyList<Guid> chains, IReadOnlyDictionary<Guid, AuditChainCheckpoint> latest, List<AuditChainBreak> breaks, CancellationToken cancellationToken)
    {
        var present = chains.ToHashSet();
        foreach (var (chainId, checkpoint) in latest)
        {
            AuditChainBreak Broken(long sequence, AuditBreakKind kind, string description) =>
                new(chainId, sequence, kind, $"chain {chainId} batch {sequence}: {description}");

            if (!present.Contains(chainId))
            {
                breaks.Add(Broken(checkpoint.Sequence, AuditBreakKind.ChainDeleted, $"the chain is checkpointed up to batch {checkpoint.Sequence} but the database holds none of it"));
                continue;
            }

            var first = await source.ReadBatchAsync(chainId, 1, cancellationToken);
            if (first is null || !string.Equals(Convert.ToHexStringLower(first.Hash), checkpoint.Start, StringComparison.Ordinal))
            {
                breaks.Add(Broken(1, AuditBreakKind.CheckpointMismatch, "the chain's first batch is not the checkpointed one (the chain was rewritten)"));
                continue;
            }

            var head = await source.ReadBatchAsync(chainId, checkpoint.Sequence, cancellationToken);
            if (head is null)
            {
                var last = await source.ReadLastBatchSequenceAsync(chainId, cancellationToken);
                breaks.Add(last < checkpoint.Sequence
                    ? Broken(checkpoint.Sequence, AuditBreakKind.TailCut, $"checkpointed as the head, but the chain now ends at batch {last}")
                    : Broken(checkpoint.Sequence, AuditBreakKind.CheckpointedHeadMissing, "checkpointed as the head, but missing"));
                continue;
            }

            if (!string.Equals(Convert.ToHexStringLower(head.Hash), checkpoint.Head, StringComparison.Ordinal))
            {
                breaks.Add(Broken(checkpoint.Sequence, AuditBreakKind.CheckpointMismatch, "its hash is not the checkpointed one (the chain was rewritten)"));
            }
        }

        return latest.Count;
    }

    private AuditBatchHasher? HasherFor(string? keyId, Dictionary<string, AuditBatchHasher> hashers)
    {
        var id = keyId ?? "";
        if (hashers.TryGetValue(id, out var hasher))
        {
            return hasher;
        }

        if (keyId is not null && keys.Find(keyId) is null)
        {
            return null;
        }

        hasher = new AuditBatchHasher(keyId is null ? null : keys.Find(keyId));
        hashers[id] = hasher;
        return hasher;
    }

    private async Task<ChainResult> VerifyChainAsync(Guid chainId, Dictionary<string, AuditBatchHasher> hashers, CancellationToken cancellationToken)
    {
        var head = await source.ReadHeadAsync(chainId, cancellationToken);
        var upTo = head?.LastSequence ?? long.MaxValue;
        long batchCount = 0, entryCount = 0, unkeyedCount = 0;
        var keyed = false;
        byte[] previous = AuditBatchHasher.Genesis.ToArray();
        var expected = 1L;

        await using var entries = source.ReadEntriesAsync(chainId, upTo, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasEntry = await entries.MoveNextAsync();
        var batch = new List<AuditEntry>();
        ChainResult Broken(long sequence, AuditBreakKind kind, string description) =>
            new(batchCount, entryCount, unkeyedCount, new AuditChainBreak(chainId, sequence, kind, $"chain {chainId} batch {sequence}: {description}"));

        await foreach (var stored in source.ReadBatchesAsync(chainId, upTo, cancellationToken))
        {
            if (hasEntry && entries.Current.BatchSequence < stored.Sequence)
            {
                return Broken(entries.Current.BatchSequence, AuditBreakKind.EntriesWithoutBatch, "entries name this batch, which does not exist");
            }

            if (stored.Sequence != expected)
            {
                return Broken(expected, AuditBreakKind.MissingBatch, $"missing (the next stored batch is {stored.Sequence})");
            }

            if (!stored.PreviousHash.AsSpan().SequenceEqual(previous))
            {
                return Broken(stored.Sequence, AuditBreakKind.BrokenLink, "does not link to the batch before it");
            }

            batch.Clear();
            while (hasEntry && entries.Current.BatchSequence == stored.Sequence)
            {
                batch.Add(entries.Current.Entry);
                hasEntry = await entries.MoveNextAsync();
            }

            if (stored.KeyId is null && keyed)
            {
                return Broken(stored.Sequence, AuditBreakKind.KeyDowngrade, "unkeyed, after keyed batches (rehashed without the key)");
            }

            var hasher = HasherFor(stored.KeyId, hashers);
            if (hasher is null)
            {
                return Broken(stored.Sequence, AuditBreakKind.UnknownKey, $"signed with audit key '{stored.KeyId}', which is not configured (Hub:Audit:Keys)");
            }

            keyed |= stored.KeyId is not null;
            unkeyedCount += stored.KeyId is null ? 1 : 0;
            hasher.Begin(chainId, stored.Sequence, stored.PreviousHash, batch.Count);
            foreach (var entry in batch)
            {
                hasher.Add(entry);
            }

            if (!hasher.Finish().AsSpan().SequenceEqual(stored.Hash))
            {
                return Broken(stored.Sequence, AuditBreakKind.EntriesAltered,
                    $"its entries do not match its hash (an entry was edited, deleted or inserted; {stored.EntryCount} recorded, {batch.Count} found)");
            }

            batchCount++;
            entryCount += batch.Count;
            previous = stored.Hash;
            expected++;
        }

        if (hasEntry)
        {
            return Broken(entries.Current.BatchSequence, AuditBreakKind.EntriesWithoutBatch, "entries name this batch, which does not exist");
        }

        var last = expected - 1;
        if (head is null)
        {
            return Broken(last, AuditBreakKind.HeadMismatch, "the chain has no head row");
        }

        if (head.LastSequence > last)
        {
            return Broken(last + 1, AuditBreakKind.TruncatedChain, $"missing: the chain head names batch {head.LastSequence} as its last, the log ends at batch {last}");
        }

        if (!head.LastHash.AsSpan().SequenceEqual(previous))
        {
            return Broken(last, AuditBreakKind.HeadMismatch, "the chain head's hash does not match this last batch");
        }

        // Anything stored beyond the head must have been committed by a live writer since; otherwise it was inserted.
        var highest = await source.ReadLastBatchSequenceAsync(chainId, cancellationToken);
        var headNow = await source.ReadHeadAsync(chainId, cancellationToken);
        if (highest > (headNow?.LastSequence ?? 0))
        {
            return Broken(highest, AuditBreakKind.HeadMismatch, $"stored beyond the chain head (batch {headNow?.LastSequence ?? 0})");
        }

        return new ChainResult(batchCount, entryCount, unkeyedCount, null);
    }

    private sealed record ChainResult(long Batches, long Entries, long Unkeyed, AuditChainBreak? Break);
}
