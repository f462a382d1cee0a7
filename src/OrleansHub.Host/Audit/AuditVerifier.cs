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
}

/// <summary>The first problem found in one chain. Names only the chain, the batch and counts, never an entry's content.</summary>
public sealed record AuditChainBreak(Guid ChainId, long Sequence, AuditBreakKind Kind, string Description);

/// <summary>The outcome of verifying every chain of the audit log.</summary>
public sealed record AuditVerification(int Chains, long Batches, long Entries, IReadOnlyList<AuditChainBreak> Breaks)
{
    public bool Intact => Breaks.Count == 0;
}

/// <summary>
/// Recomputes every audit chain from the stored rows: each batch's hash from its entries, each batch's link to the one
/// before, and each chain's head. Reports the first broken batch of each chain. A chain is checked up to the head read
/// when its check starts, so batches that live writers commit meanwhile are left for the next run.
/// </summary>
public sealed class AuditVerifier(IAuditChainSource source)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var chains = await source.ReadChainIdsAsync(cancellationToken);
        var breaks = new List<AuditChainBreak>();
        long batches = 0, entries = 0;
        using var hasher = new AuditBatchHasher();
        foreach (var chainId in chains)
        {
            var result = await VerifyChainAsync(chainId, hasher, cancellationToken);
            batches += result.Batches;
            entries += result.Entries;
            if (result.Break is not null)
            {
                breaks.Add(result.Break);
            }
        }

        return new AuditVerification(chains.Count, batches, entries, breaks);
    }

    private async Task<ChainResult> VerifyChainAsync(Guid chainId, AuditBatchHasher hasher, CancellationToken cancellationToken)
    {
        var head = await source.ReadHeadAsync(chainId, cancellationToken);
        var upTo = head?.LastSequence ?? long.MaxValue;
        long batchCount = 0, entryCount = 0;
        byte[] previous = AuditBatchHasher.Genesis.ToArray();
        var expected = 1L;

        await using var entries = source.ReadEntriesAsync(chainId, upTo, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasEntry = await entries.MoveNextAsync();
        var batch = new List<AuditEntry>();
        ChainResult Broken(long sequence, AuditBreakKind kind, string description) =>
            new(batchCount, entryCount, new AuditChainBreak(chainId, sequence, kind, $"chain {chainId} batch {sequence}: {description}"));

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

        return new ChainResult(batchCount, entryCount, null);
    }

    private sealed record ChainResult(long Batches, long Entries, AuditChainBreak? Break);
}
