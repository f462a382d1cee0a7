using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansHub.Grains.Fees;

namespace OrleansHub.Host.Fees;

/// <summary>Where the fee schedules live. A change is decided on the schedules as stored, under a lock, and saved whole.</summary>
public interface IFeeScheduleStore
{
    Task<IReadOnlyList<FeeSchedule>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the stored schedules with no other change in between; saves it unless refused.</summary>
    Task<SchedulePublication> ChangeAsync(Func<IReadOnlyList<FeeSchedule>, SchedulePublication> change, CancellationToken cancellationToken);
}

/// <summary>Embedded mode: the statutory schedules and whatever is published until the process stops.</summary>
public sealed class InMemoryFeeScheduleStore : IFeeScheduleStore
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IReadOnlyList<FeeSchedule> _schedules = FeeSchedule.BuiltIn;

    public Task<IReadOnlyList<FeeSchedule>> ReadAllAsync(CancellationToken cancellationToken) => Task.FromResult(Volatile.Read(ref _schedules));

    public async Task<SchedulePublication> ChangeAsync(Func<IReadOnlyList<FeeSchedule>, SchedulePublication> change, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = change(_schedules);
            if (result.Refusal == ScheduleRefusal.None)
            {
                Volatile.Write(ref _schedules, result.Schedules);
            }

            return result;
        }
        finally
        {
            _lock.Release();
        }
    }
}

/// <summary>PostgreSQL mode: <c>fee_schedules</c>, changed under a table lock so two operators cannot publish overlapping schedules.</summary>
public sealed class PostgresFeeScheduleStore(NpgsqlDataSource dataSource) : IFeeScheduleStore
{
    public async Task<IReadOnlyList<FeeSchedule>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SchedulePublication> ChangeAsync(Func<IReadOnlyList<FeeSchedule>, SchedulePublication> change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE fee_schedules IN SHARE ROW EXCLUSIVE MODE", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var stored = await ReadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var result = change(stored);
        if (result.Refusal != ScheduleRefusal.None)
        {
            return result;
        }

        // Only the changed rows are written; effective_from is unique, so the closed schedule is updated first.
        foreach (var schedule in result.Schedules.Where(s => !stored.Any(old => Same(old, s))).OrderBy(s => s.Version))
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO fee_schedules (version, effective_from, effective_until, prices) VALUES ($1, $2, $3, $4)
                ON CONFLICT (version) DO UPDATE SET effective_from = excluded.effective_from, effective_until = excluded.effective_until,
                    prices = excluded.prices, published_at = now()
                """, connection, transaction);
            upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = schedule.Version });
            upsert.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = schedule.EffectiveFrom });
            upsert.Parameters.Add(new NpgsqlParameter { Value = schedule.EffectiveUntil is { } until ? until : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
            upsert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(schedule.PricePerFieldVnd), NpgsqlDbType = NpgsqlDbType.Jsonb });
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static bool Same(FeeSchedule a, FeeSchedule b) =>
        a.Version == b.Version && a.EffectiveFrom == b.EffectiveFrom && a.EffectiveUntil == b.EffectiveUntil
        && a.PricePerFieldVnd.Count == b.PricePerFieldVnd.Count
        && a.PricePerFieldVnd.All(p => b.PricePerFieldVnd.TryGetValue(p.Key, out var price) && price == p.Value);

    private static async Task<IReadOnlyList<FeeSchedule>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT version, effective_from, effective_until, prices::text FROM fee_schedules ORDER BY effective_from", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var schedules = new List<FeeSchedule>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var prices = JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(3))!;
            schedules.Add(new FeeSchedule(reader.GetInt32(0), reader.GetFieldValue<DateOnly>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2), new Dictionary<string, long>(prices, StringComparer.Ordinal)));
        }

        return schedules;
    }
}

/// <summary>
/// The schedules every request is priced with, held in memory so pricing never waits for the database. Reloaded every
/// <see cref="RefreshInterval"/> and after a change through this silo; a publication begins tomorrow at the earliest,
/// so every silo holds it long before it applies. Until the first load succeeds it holds the statutory schedules.
/// </summary>
public sealed partial class FeeScheduleBook(IFeeScheduleStore store, ILogger<FeeScheduleBook> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private IReadOnlyList<FeeSchedule> _schedules = FeeSchedule.BuiltIn;

    public IReadOnlyList<FeeSchedule> Current => Volatile.Read(ref _schedules);

    public async Task<SchedulePublication> ChangeAsync(Func<IReadOnlyList<FeeSchedule>, SchedulePublication> change, CancellationToken cancellationToken)
    {
        var result = await store.ChangeAsync(change, cancellationToken).ConfigureAwait(false);
        if (result.Refusal == ScheduleRefusal.None)
        {
            Volatile.Write(ref _schedules, result.Schedules);
        }

        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        do
        {
            try
            {
                Volatile.Write(ref _schedules, await store.ReadAllAsync(stoppingToken).ConfigureAwait(false));
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogRefreshFailed(exception.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The fee schedules could not be reloaded ({ExceptionType}); pricing goes on with those held")]
    private partial void LogRefreshFailed(string exceptionType);
}
