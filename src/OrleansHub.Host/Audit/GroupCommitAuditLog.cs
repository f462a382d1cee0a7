using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Audit;

/// <summary>
/// The process-wide audit writer (group commit). Callers queue their entries and wait; each of
/// <see cref="AuditOptions.Writers"/> writer loops takes everything queued (up to <see cref="AuditOptions.MaxBatchEntries"/>)
/// into one batch, hashes it onto its own chain, writes it in one transaction and then releases every waiter. While a
/// batch is being written the next accumulates (and, with more than one writer, goes out on another writer's connection),
/// so batches grow with load and there is no fixed delay. Each writer owns a chain, so chains stay strictly
/// sequential without any coordination between writers. A failed write faults every waiter of that batch with
/// <see cref="AuditUnavailableException"/> and its writer starts a fresh chain (the failed transaction may or may not
/// have committed, so the old chain ends where the database says it does); the loop goes on with the next batch.
/// Stopping drains what is queued; appends after that are refused.
/// </summary>
public sealed partial class GroupCommitAuditLog : IAuditLog, IHostedService, IAsyncDisposable
{
    private readonly Channel<PendingAppend> _queue;
    private readonly IAuditBatchStore _store;
    private readonly HubInstruments _instruments;
    private readonly ILogger<GroupCommitAuditLog> _logger;
    private readonly int _maxBatchEntries;
    private readonly ChainWriter[] _writers;
    private readonly AuditKey? _key;
    private Task? _loops;

    public GroupCommitAuditLog(IAuditBatchStore store, HubInstruments instruments, IOptions<AuditOptions> options, AuditKeyRing keys, ILogger<GroupCommitAuditLog> logger)
    {
        _store = store;
        _key = keys.Current;
        _instruments = instruments;
        _logger = logger;
        _maxBatchEntries = options.Value.MaxBatchEntries;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = options.Value.Writers == 1,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writers = [.. Enumerable.Range(0, options.Value.Writers).Select(_ => new ChainWriter(this))];
    }

    /// <summary>The chain the first writer is appending to now (a new one after a failed write); with one writer, the only chain.</summary>
    public Guid ChainId => _writers[0].ChainId;

    public ValueTask AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        Validate(entries);
        cancellationToken.ThrowIfCancellationRequested();
        if (entries.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var pending = new PendingAppend(entries);
        if (!_queue.Writer.TryWrite(pending))
        {
            return EnqueueWhenRoomAsync(pending, cancellationToken);
        }

        // A caller that gives up stops waiting, nothing more: its entries stay in their batch and are written.
        return new ValueTask(cancellationToken.CanBeCanceled ? pending.Task.WaitAsync(cancellationToken) : pending.Task);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loops ??= Task.WhenAll(_writers.Select(w => Task.Run(w.RunAsync, CancellationToken.None)));
        return Task.CompletedTask;
    }

    /// <summary>Refuses new appends and waits until every queued entry is written (or its write failed).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loops is not null)
        {
            await _loops.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loops is not null)
        {
            await _loops.ConfigureAwait(false);
        }
        else
        {
            // Never started: nothing will write what is queued, so nobody may think it durable.
            while (_queue.Reader.TryRead(out var pending))
            {
                pending.TrySetException(new AuditUnavailableException("The audit log was stopped before this entry was written."));
            }
        }

        foreach (var writer in _writers)
        {
            writer.Dispose();
        }
    }

    private async ValueTask EnqueueWhenRoomAsync(PendingAppend pending, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException exception)
        {
            throw new AuditUnavailableException("The audit log is shutting down and accepts no more entries.", exception);
        }

        await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One writer loop and the chain it appends to; only its own loop touches its state.</summary>
    private sealed class ChainWriter(GroupCommitAuditLog log) : IDisposable
    {
        private readonly AuditBatchHasher _hasher = new(log._key);
        private readonly List<PendingAppend> _waiters = [];
        private readonly List<AuditEntry> _entries = [];
        private byte[] _lastHash = AuditBatchHasher.Genesis.ToArray();
        private long _lastSequence;

        public Guid ChainId { get; private set; } = log.NewChain();

        public async Task RunAsync()
        {
            var reader = log._queue.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var count = 0;
                // Another writer may take what was peeked: TryRead decides, and a batch may end up empty.
                while (reader.TryPeek(out var next) && (count == 0 || count + next.Entries.Count <= log._maxBatchEntries) && reader.TryRead(out next))
                {
                    _waiters.Add(next);
                    count += next.Entries.Count;
                }

                if (count > 0)
                {
                    await FlushAsync().ConfigureAwait(false);
                }
            }
        }

        public void Dispose() => _hasher.Dispose();

        private async Task FlushAsync()
        {
            var started = Stopwatch.GetTimestamp();
            var sequence = _lastSequence + 1;
            var chainId = ChainId;
            try
            {
                var batch = Seal(sequence);
                await log._store.WriteBatchAsync(batch, CancellationToken.None).ConfigureAwait(false);
                _lastSequence = sequence;
                _lastHash = batch.Hash;
                foreach (var waiter in _waiters)
                {
                    waiter.TrySetResult();
                }

                log._instruments.AuditFlushed(_entries.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, succeeded: true);
            }
            catch (Exception exception)
            {
                log.LogBatchFailed(chainId, sequence, _entries.Count, exception.GetType().Name, (exception as PostgresException)?.SqlState);
                ChainId = log.NewChain();
                _lastSequence = 0;
                _lastHash = AuditBatchHasher.Genesis.ToArray();
                foreach (var waiter in _waiters)
                {
                    waiter.TrySetException(new AuditUnavailableException("The audit log could not make this entry durable.", exception));
                }

                log._instruments.AuditFlushed(_entries.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds, succeeded: false);
            }
            finally
            {
                _waiters.Clear();
                _entries.Clear();
            }
        }

        private AuditBatch Seal(long sequence)
        {
            foreach (var waiter in _waiters)
            {
                _entries.AddRange(waiter.Entries);
            }

            _hasher.Begin(ChainId, sequence, _lastHash, _entries.Count);
            var first = _entries[0].At;
            var last = first;
            foreach (var entry in _entries)
            {
                _hasher.Add(entry);
                first = entry.At < first ? entry.At : first;
                last = entry.At > last ? entry.At : last;
            }

            return new AuditBatch(ChainId, sequence, _lastHash, _hasher.Finish(), _entries, first, last, _hasher.KeyId);
        }
    }

    private Guid NewChain()
    {
        var chainId = Guid.CreateVersion7();
        LogChainStarted(chainId);
        return chainId;
    }

    /// <summary>Refuses an entry the database would refuse, so one bad append can never fail the batch it shares.</summary>
    private static void Validate(IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new ArgumentException($"Audit entry {i} is null.", nameof(entries));
            if (entry.Operation is null || entry.RequestId is null || entry.Fields is null)
            {
                throw new ArgumentException($"Audit entry {i} lacks its operation, request ID or field list.", nameof(entries));
            }

            if (entry.At.UtcDateTime.Year is < 2000 or > 9998)
            {
                throw new ArgumentException($"Audit entry {i} has a time outside the years 2000-9998.", nameof(entries));
            }

            if (!Enum.IsDefined(entry.Outcome))
            {
                throw new ArgumentException($"Audit entry {i} has an unknown outcome.", nameof(entries));
            }

            if (HasNul(entry.AgencyCode) || HasNul(entry.CitizenId) || HasNul(entry.Operation) || HasNul(entry.Purpose)
                || HasNul(entry.Reason) || HasNul(entry.RequestId) || HasNullOrNul(entry.Fields))
            {
                throw new ArgumentException($"Audit entry {i} holds a NUL character or a null field name.", nameof(entries));
            }
        }
    }

    private static bool HasNul(string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal);

    private static bool HasNullOrNul(IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i] is null || HasNul(fields[i]))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit chain {ChainId} started")]
    private partial void LogChainStarted(Guid chainId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit batch {Sequence} of chain {ChainId} ({Count} entries) was not written: {ExceptionType} (SQLSTATE {SqlState}); its callers were refused")]
    private partial void LogBatchFailed(Guid chainId, long sequence, int count, string exceptionType, string? sqlState);

    /// <summary>One caller's entries and the task it waits on; continuations run off the writer loop.</summary>
    private sealed class PendingAppend(IReadOnlyList<AuditEntry> entries) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public IReadOnlyList<AuditEntry> Entries { get; } = entries;
    }
}
