namespace OrleansHub.Host.Audit;

/// <summary>
/// One group commit: the entries of every append that shared a write, in hash order, and the batch's link in its
/// writer's chain. <see cref="Entries"/> is only valid during <see cref="IAuditBatchStore.WriteBatchAsync"/>: the writer
/// reuses the list for the next batch, so a store that keeps entries copies them.
/// </summary>
public sealed record AuditBatch(
    Guid ChainId,
    long Sequence,
    byte[] PreviousHash,
    byte[] Hash,
    IReadOnlyList<AuditEntry> Entries,
    DateTimeOffset FirstAt,
    DateTimeOffset LastAt,
    string? KeyId = null);

/// <summary>A batch as stored, without its entries (what the verifier reads).</summary>
public sealed record AuditBatchRecord(Guid ChainId, long Sequence, byte[] PreviousHash, byte[] Hash, int EntryCount, string? KeyId = null);

/// <summary>A chain's head: its last batch, updated in that batch's transaction.</summary>
public sealed record AuditChainHead(Guid ChainId, long LastSequence, byte[] LastHash);

/// <summary>An entry as stored, with the batch it was written in and its place in that batch.</summary>
public readonly record struct ChainedAuditEntry(long BatchSequence, int Position, AuditEntry Entry);

/// <summary>Where the group-commit writer makes a batch durable: one transaction per batch, or nothing at all.</summary>
public interface IAuditBatchStore
{
    /// <summary>
    /// Writes the batch, its entries and the new chain head atomically; throws when anything was not written.
    /// The first batch of a chain (sequence 1) creates its head.
    /// </summary>
    Task WriteBatchAsync(AuditBatch batch, CancellationToken cancellationToken);
}

/// <summary>Reads the stored chains back for <see cref="AuditVerifier"/>.</summary>
public interface IAuditChainSource
{
    /// <summary>Every chain that has a head, a batch or an entry.</summary>
    Task<IReadOnlyList<Guid>> ReadChainIdsAsync(CancellationToken cancellationToken);

    Task<AuditChainHead?> ReadHeadAsync(Guid chainId, CancellationToken cancellationToken);

    /// <summary>The chain's batches up to <paramref name="lastSequence"/>, in sequence order.</summary>
    IAsyncEnumerable<AuditBatchRecord> ReadBatchesAsync(Guid chainId, long lastSequence, CancellationToken cancellationToken);

    /// <summary>The chain's entries in batches up to <paramref name="lastSequence"/>, by batch then position.</summary>
    IAsyncEnumerable<ChainedAuditEntry> ReadEntriesAsync(Guid chainId, long lastSequence, CancellationToken cancellationToken);

    /// <summary>One batch of the chain; null when it is not stored.</summary>
    Task<AuditBatchRecord?> ReadBatchAsync(Guid chainId, long sequence, CancellationToken cancellationToken);

    /// <summary>The chain's highest stored batch sequence, 0 when it has none.</summary>
    Task<long> ReadLastBatchSequenceAsync(Guid chainId, CancellationToken cancellationToken);
}
