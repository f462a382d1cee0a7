using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Citizens;
using OrleansHub.Grains.Registry;
using OrleansHub.Host.Events;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Registry;

/// <summary>
/// The registry storage on PostgreSQL: a group-committing <see cref="IGrainStorage"/> for citizen and card grains.
/// <para>
/// Writes are queued; each of <see cref="RegistryStorageOptions.Writers"/> writer loops takes everything queued (up to
/// <see cref="RegistryStorageOptions.MaxBatch"/>) whenever it is free and commits it as one statement, so batches grow
/// with load and nothing waits for a timer. Every grain's ETag is checked on its own row: a conflict fails that grain with
/// <see cref="InconsistentStateException"/> and the others commit. The history entries, events, consent notices and expiry
/// listings the writes carry (<see cref="PendingRows"/>) go in with them, in the same transaction. A caller is answered
/// only after the commit. A batch the database refuses for a value (not for being unreachable) is split in halves and
/// retried, so the write that is at fault fails alone with <see cref="RegistryStateRefusedException"/>.
/// </para>
/// <para>Reads are batched the same way: an activation's read waits at most for the read before it.</para>
/// </summary>
public sealed partial class PostgresRegistryStorage : IGrainStorage, ICitizenArchive, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    // Orleans' serializer itself, not the IGrainStorageSerializer wrapper: the same bytes (rows of either read alike), but it
    // serializes into a pooled buffer and copies once, where the wrapper grows a fresh buffer by doubling and then copies.
    private readonly Serializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly EventLogGrowth _growth;
    private readonly HubInstruments _instruments;
    private readonly ILogger<PostgresRegistryStorage> _logger;
    private readonly RegistryStorageOptions _options;
    private readonly Channel<RegistryWrite> _writes = Channel.CreateUnbounded<RegistryWrite>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Channel<PendingRead> _reads = Channel.CreateUnbounded<PendingRead>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task[] _loops;

    public PostgresRegistryStorage(
        NpgsqlDataSource dataSource,
        Serializer serializer,
        IActivatorProvider activators,
        EventLogGrowth growth,
        HubInstruments instruments,
        IOptions<RegistryStorageOptions> options,
        ILogger<PostgresRegistryStorage> logger)
    {
        _dataSource = dataSource;
        _serializer = serializer;
        _activators = activators;
        _growth = growth;
        _instruments = instruments;
        _logger = logger;
        _options = options.Value;
        _loops = [.. Enumerable.Range(0, _options.Writers).Select(_ => Task.Run(WriteLoopAsync)), Task.Run(ReadLoopAsync)];
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (kind, key) = Locate(stateName, grainId);
        var read = new PendingRead(kind, key);
        await _reads.Writer.WriteAsync(read);
        if (await read.Done.Task is { } row)
        {
            grainState.State = _serializer.Deserialize<T>(row.Payload);
            grainState.ETag = row.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = _activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (kind, key) = Locate(stateName, grainId);
        var payload = _serializer.SerializeToArray(grainState.State);
        if (payload.Length > RegistryLimits.MaxStateBytes)
        {
            throw RegistryLimits.TooLarge(stateName, payload.Length);
        }

        int? expected = grainState.ETag is null ? null
            : int.TryParse(grainState.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
            : throw new InconsistentStateException($"The {stateName} state has an ETag this storage never issued.", null, grainState.ETag);
        var write = new RegistryWrite(kind, key, expected, payload, (grainState.State as IStateWithRows)?.Pending);
        await _writes.Writer.WriteAsync(write);
        var written = await write.Done.Task;
        grainState.ETag = written.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (kind, key) = Locate(stateName, grainId);
        var table = kind == RegistryKind.Citizen ? "citizen_state WHERE citizen_id = @key::bigint" : "card_state WHERE card_number = @key";
        await using var command = _dataSource.CreateCommand($"DELETE FROM {table} AND version = @version");
        command.Parameters.AddWithValue("key", RegistryBatchStatement.StoredKey(kind, key));
        command.Parameters.AddWithValue("version", int.TryParse(grainState.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1);
        if (grainState.ETag is not null && await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InconsistentStateException($"The {stateName} state changed since it was read.", null, grainState.ETag);
        }

        grainState.State = _activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public async Task<IReadOnlyList<ChangeEntry>> ReadHistoryAsync(string citizenId, long? beforeVersion, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT version, at, kind, source, changed_fields FROM citizen_history
            WHERE citizen_id = @citizen AND version < @before
            ORDER BY version DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("citizen", CitizenKeyOf(citizenId));
        command.Parameters.AddWithValue("before", beforeVersion ?? long.MaxValue);
        command.Parameters.AddWithValue("limit", limit);
        var entries = new List<ChangeEntry>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new ChangeEntry(reader.GetInt64(0), new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero), reader.GetString(3),
                (ChangeKind)reader.GetInt16(2), reader.GetFieldValue<string[]>(4)));
        }

        return entries;
    }

    public async Task<bool> ConsentRevocationToldAsync(string citizenId, Guid consentId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM citizen_consent_notices WHERE citizen_id = @citizen AND consent_id = @consent)");
        command.Parameters.AddWithValue("citizen", CitizenKeyOf(citizenId));
        command.Parameters.AddWithValue("consent", consentId);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public void Dispose()
    {
        _writes.Writer.TryComplete();
        _reads.Writer.TryComplete();
        Task.WaitAll(_loops, TimeSpan.FromSeconds(10));
    }

    private static (RegistryKind Kind, string Key) Locate(string stateName, GrainId grainId)
    {
        var key = grainId.Key.ToString() ?? "";
        return stateName switch
        {
            RegistryStateNames.Citizen when IsPersonalId(key) => (RegistryKind.Citizen, key),
            RegistryStateNames.Card when key.Length is > 0 and <= 64 && key.All(char.IsAsciiLetterOrDigit) => (RegistryKind.Card, key),
            RegistryStateNames.Citizen or RegistryStateNames.Card =>
                throw new RegistryStateRefusedException($"A {stateName} grain's key is not one the registry stores ({key.Length} characters)."),
            _ => throw new RegistryStateRefusedException($"The registry storage keeps citizen and card state only, not '{stateName}'."),
        };
    }

    private static bool IsPersonalId(string key) => key.Length == 12 && key.All(char.IsAsciiDigit);

    private static long CitizenKeyOf(string citizenId) => IsPersonalId(citizenId)
        ? RegistryBatchStatement.CitizenKey(citizenId)
        : throw new ArgumentException("Not a 12-digit personal ID.", nameof(citizenId));

    private async Task WriteLoopAsync()
    {
        var reader = _writes.Reader;
        var batch = new List<RegistryWrite>();
        var keys = new HashSet<(RegistryKind, string)>();
        RegistryWrite? held = null;
        while (held is not null || await reader.WaitToReadAsync())
        {
            batch.Clear();
            keys.Clear();
            if (held is not null)
            {
                batch.Add(held);
                keys.Add((held.Kind, held.Key));
                held = null;
            }

            // Everything queued, up to the cap; a second write of a grain already in the batch waits for the next one.
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var write))
            {
                if (!keys.Add((write.Kind, write.Key)))
                {
                    held = write;
                    break;
                }

                batch.Add(write);
            }

            await CommitAsync(batch);
        }
    }

    private async Task CommitAsync(IReadOnlyList<RegistryWrite> batch)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var written = await ExecuteAsync(batch);
            _instruments.RegistryFlushed(batch.Count, clock.Elapsed.TotalMilliseconds, succeeded: true);
            var grew = false;
            foreach (var write in batch)
            {
                if (written.TryGetValue((write.Kind, RegistryBatchStatement.StoredKey(write.Kind, write.Key)), out var version))
                {
                    grew |= write.HasEvents;
                    write.Done.TrySetResult(version);
                }
                else
                {
                    write.Done.TrySetException(new InconsistentStateException(
                        $"The {(write.Kind == RegistryKind.Citizen ? "citizen" : "card")} state changed since it was read; nothing was written.",
                        null, write.ExpectedVersion?.ToString(CultureInfo.InvariantCulture)));
                }
            }

            if (grew)
            {
                _growth.Grew();
            }
        }
        catch (PostgresException e) when (IsRefusedValue(e) && batch.Count > 1)
        {
            // One write's values were refused: find it by halves; the others still commit.
            _instruments.RegistryFlushed(batch.Count, clock.Elapsed.TotalMilliseconds, succeeded: false);
            LogBatchSplit(batch.Count, e.SqlState);
            var half = batch.Count / 2;
            await CommitAsync([.. batch.Take(half)]);
            await CommitAsync([.. batch.Skip(half)]);
        }
        catch (PostgresException e) when (IsRefusedValue(e))
        {
            _instruments.RegistryFlushed(batch.Count, clock.Elapsed.TotalMilliseconds, succeeded: false);
            LogWriteRefused(e.SqlState);
            batch[0].Done.TrySetException(new RegistryStateRefusedException(
                $"The database refused this {(batch[0].Kind == RegistryKind.Citizen ? "citizen" : "card")} write ({e.SqlState}: {e.MessageText}); nothing of it was written."));
        }
        catch (Exception e)
        {
            // Unreachable, shutting down, timed out: every caller hears it (the hub answers 503), none is acknowledged.
            _instruments.RegistryFlushed(batch.Count, clock.Elapsed.TotalMilliseconds, succeeded: false);
            LogBatchFailed(batch.Count, e.GetType().Name);
            foreach (var write in batch)
            {
                write.Done.TrySetException(e);
            }
        }
    }

    private async Task<Dictionary<(RegistryKind, string), int>> ExecuteAsync(IReadOnlyList<RegistryWrite> batch)
    {
        await using var command = _dataSource.CreateCommand(RegistryBatchStatement.Write);
        RegistryBatchStatement.Bind(command, batch);
        var written = new Dictionary<(RegistryKind, string), int>(batch.Count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            written[((RegistryKind)reader.GetInt16(0), reader.GetString(1))] = reader.GetInt32(2);
        }

        return written;
    }

    /// <summary>
    /// The database answered, and refused a value: a data exception (class 22: a NUL character, a number out of range) or
    /// an integrity violation (23). Everything else (connection, resources, shutdown, a table refusing all writes) is not
    /// about one write, and fails the whole batch.
    /// </summary>
    private static bool IsRefusedValue(PostgresException e) =>
        e.SqlState.StartsWith("22", StringComparison.Ordinal) || e.SqlState.StartsWith("23", StringComparison.Ordinal);

    private async Task ReadLoopAsync()
    {
        var reader = _reads.Reader;
        var batch = new List<PendingRead>();
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxReadBatch && reader.TryRead(out var read))
            {
                batch.Add(read);
            }

            try
            {
                await using var command = _dataSource.CreateCommand(RegistryBatchStatement.Read);
                RegistryBatchStatement.BindRead(command, batch.Select(r => (r.Kind, r.Key)).Distinct());
                var rows = new Dictionary<(RegistryKind, string), StoredRow>(batch.Count);
                await using (var result = await command.ExecuteReaderAsync())
                {
                    while (await result.ReadAsync())
                    {
                        rows[((RegistryKind)result.GetInt16(0), result.GetString(1))] = new StoredRow(result.GetInt32(2), result.GetFieldValue<byte[]>(3));
                    }
                }

                foreach (var read in batch)
                {
                    read.Done.TrySetResult(rows.GetValueOrDefault((read.Kind, RegistryBatchStatement.StoredKey(read.Kind, read.Key))));
                }
            }
            catch (Exception e)
            {
                LogReadFailed(batch.Count, e.GetType().Name);
                foreach (var read in batch)
                {
                    read.Done.TrySetException(e);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A registry batch of {Count} write(s) failed ({Failure}); none was acknowledged")]
    private partial void LogBatchFailed(int count, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused a value in a registry batch of {Count} write(s) ({SqlState}); retrying it in halves to fail only the write at fault")]
    private partial void LogBatchSplit(int count, string sqlState);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused one registry write ({SqlState}); that grain's write failed, no other")]
    private partial void LogWriteRefused(string sqlState);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A registry read batch of {Count} read(s) failed ({Failure})")]
    private partial void LogReadFailed(int count, string failure);

    private sealed record StoredRow(int Version, byte[] Payload);

    private sealed class PendingRead(RegistryKind kind, string key)
    {
        public RegistryKind Kind { get; } = kind;

        public string Key { get; } = key;

        public TaskCompletionSource<StoredRow?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
