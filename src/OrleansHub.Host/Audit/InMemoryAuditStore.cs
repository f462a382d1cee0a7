using System.Runtime.CompilerServices;
using OrleansHub.Grains;

namespace OrleansHub.Host.Audit;

/// <summary>
/// The embedded mode's audit log: the same group-commit writer and hashing as on PostgreSQL, kept in this process
/// (lost on restart, like the rest of embedded mode's data). The fee ledger is updated under the same lock as the
/// entries, the in-memory equivalent of PostgreSQL's single transaction.
/// </summary>
public sealed class InMemoryAuditStore : IAuditBatchStore, IAuditReader, IAuditChainSource, IFeeLedger
{
    private readonly Dictionary<(string Agency, DateOnly Day, string Product), FeeLedgerLine> _ledger = [];
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, AuditChainHead> _heads = [];
    private readonly Dictionary<Guid, List<StoredBatch>> _chains = [];
    private readonly Dictionary<string, List<AuditEntry>> _byCitizen = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, AuditEntry> _byId = [];

    public Task WriteBatchAsync(AuditBatch batch, CancellationToken cancellationToken)
    {
        var entries = batch.Entries.ToArray();
        lock (_lock)
        {
            var batches = _chains.TryGetValue(batch.ChainId, out var existing) ? existing : null;
            var expected = (batches?.Count ?? 0) + 1;
            if (batch.Sequence != expected)
            {
                throw new InvalidOperationException($"Audit chain {batch.ChainId} expects batch {expected}, not {batch.Sequence}.");
            }

            if (batches is null)
            {
                _chains[batch.ChainId] = batches = [];
            }

            batches.Add(new StoredBatch(new AuditBatchRecord(batch.ChainId, batch.Sequence, batch.PreviousHash, batch.Hash, entries.Length, batch.KeyId), entries));
            _heads[batch.ChainId] = new AuditChainHead(batch.ChainId, batch.Sequence, batch.Hash);
            foreach (var line in FeeLedgerLine.Aggregate(entries))
            {
                var key = (line.AgencyCode, line.Day, line.Product);
                _ledger[key] = _ledger.TryGetValue(key, out var held) ? held.Add(line) : line;
            }

            foreach (var entry in entries)
            {
                _byId.TryAdd(entry.Id, entry);
                if (entry.CitizenId is { } citizenId)
                {
                    if (!_byCitizen.TryGetValue(citizenId, out var log))
                    {
                        _byCitizen[citizenId] = log = [];
                    }

                    log.Add(entry);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<AuditPage> ReadByCitizenAsync(string citizenId, AuditCursor? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(citizenId);
        AuditPaging.ThrowIfOutOfRange(limit);
        List<AuditEntry> page;
        lock (_lock)
        {
            page = _byCitizen.TryGetValue(citizenId, out var log)
                ? [.. log.Where(e => before is null || AuditPaging.IsOlderThan(e, before))]
                : [];
        }

        page.Sort(AuditPaging.NewestFirst);
        var more = page.Count > limit;
        var entries = page.Take(limit).ToList();
        return Task.FromResult(new AuditPage(entries, more ? new AuditCursor(entries[^1].At, entries[^1].Id) : null));
    }

    public Task<AuditEntry?> FindAsync(Guid entryId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_byId.GetValueOrDefault(entryId));
        }
    }

    public Task<IReadOnlyList<Guid>> ReadChainIdsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Guid>>([.. _heads.Keys.Union(_chains.Keys)]);
        }
    }

    public Task<AuditChainHead?> ReadHeadAsync(Guid chainId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_heads.GetValueOrDefault(chainId));
        }
    }

    public async IAsyncEnumerable<AuditBatchRecord> ReadBatchesAsync(Guid chainId, long lastSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var batch in Snapshot(chainId, lastSequence))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return batch.Record;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async IAsyncEnumerable<ChainedAuditEntry> ReadEntriesAsync(Guid chainId, long lastSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var batch in Snapshot(chainId, lastSequence))
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < batch.Entries.Length; i++)
            {
                yield return new ChainedAuditEntry(batch.Record.Sequence, i, batch.Entries[i]);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<AuditBatchRecord?> ReadBatchAsync(Guid chainId, long sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_chains.TryGetValue(chainId, out var batches) ? batches.Find(b => b.Record.Sequence == sequence)?.Record : null);
        }
    }

    public Task<long> ReadLastBatchSequenceAsync(Guid chainId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_chains.TryGetValue(chainId, out var batches) ? (long)batches.Count : 0L);
        }
    }

    public Task<IReadOnlyList<FeeLedgerLine>> ReadMonthAsync(DateOnly month, string? agencyCode, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<FeeLedgerLine>>([.. _ledger.Values
                .Where(l => InMonth(l.Day, month) && (agencyCode is null || l.AgencyCode == agencyCode))
                .OrderBy(l => l.AgencyCode, StringComparer.Ordinal).ThenBy(l => l.Day).ThenBy(l => l.Product, StringComparer.Ordinal)]);
        }
    }

    public Task<IReadOnlyList<FeeLedgerLine>> RecomputeMonthFromAuditAsync(DateOnly month, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var entries = _chains.Values.SelectMany(c => c).SelectMany(b => b.Entries).Where(e => InMonth(VietnamCalendar.DateOf(e.At), month));
            return Task.FromResult<IReadOnlyList<FeeLedgerLine>>(FeeLedgerLine.Aggregate(entries));
        }
    }

    private static bool InMonth(DateOnly day, DateOnly month) => day.Year == month.Year && day.Month == month.Month;

    private StoredBatch[] Snapshot(Guid chainId, long lastSequence)
    {
        lock (_lock)
        {
            return _chains.TryGetValue(chainId, out var batches) ? [.. batches.Where(b => b.Record.Sequence <= lastSequence)] : [];
        }
    }

    private sealed record StoredBatch(AuditBatchRecord Record, AuditEntry[] Entries);
}
