using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains;
using OrleansHub.Grains.Cards;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Cards;

/// <summary>A card whose expiry date has passed, waiting for its citizen grain to be told.</summary>
public sealed record DueCard(string Number, string CitizenId);

/// <summary>The cards waiting to expire: recorded by card grains, taken by the sweep once their date has passed.</summary>
public interface ICardExpiryStore : ICardExpiryIndex
{
    /// <summary>
    /// Hands up to <paramref name="limit"/> cards that expired before <paramref name="today"/> to <paramref name="expire"/>
    /// and forgets those it returned true for; returns how many those were.
    /// </summary>
    Task<int> ExpireDueAsync(DateOnly today, int limit, Func<DueCard, Task<bool>> expire, CancellationToken cancellationToken);
}

/// <summary>Card expiry. Bound from <c>Hub:Cards</c>.</summary>
public sealed class CardExpiryOptions
{
    public const string Section = "Hub:Cards";

    /// <summary>How often each silo looks for cards whose expiry date has passed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 10_000)]
    public int ExpirySweepBatch { get; set; } = 500;
}

/// <summary>In PostgreSQL (migration 0011). Silos sweep at once safely: each takes rows the others have not locked.</summary>
public sealed class PostgresCardExpiryStore(NpgsqlDataSource dataSource) : ICardExpiryStore
{
    public async Task RecordAsync(CardSummary card, CancellationToken cancellationToken)
    {
        if (card.ExpiresOn is not { } expires)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO card_expiries (card_number, citizen_id, expires_on) VALUES (@number, @citizen, @expires)
            ON CONFLICT (card_number) DO UPDATE SET citizen_id = excluded.citizen_id, expires_on = excluded.expires_on
            """);
        command.Parameters.AddWithValue("number", card.Number);
        command.Parameters.AddWithValue("citizen", card.CitizenId.Value);
        command.Parameters.AddWithValue("expires", expires);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> ExpireDueAsync(DateOnly today, int limit, Func<DueCard, Task<bool>> expire, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = new List<DueCard>();
        await using (var select = new NpgsqlCommand("""
            SELECT card_number, citizen_id FROM card_expiries WHERE expires_on < @today
            ORDER BY expires_on LIMIT @limit FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("today", today);
            select.Parameters.AddWithValue("limit", limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new DueCard(reader.GetString(0), reader.GetString(1)));
            }
        }

        var done = new List<string>(due.Count);
        foreach (var card in due)
        {
            if (await expire(card))
            {
                done.Add(card.Number);
            }
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM card_expiries WHERE card_number = ANY (@numbers)", connection, transaction))
        {
            delete.Parameters.AddWithValue("numbers", done.ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return done.Count;
    }
}

/// <summary>Embedded mode, in memory.</summary>
public sealed class InMemoryCardExpiryStore : ICardExpiryStore
{
    private readonly ConcurrentDictionary<string, (string CitizenId, DateOnly ExpiresOn)> _cards = new(StringComparer.Ordinal);

    public Task RecordAsync(CardSummary card, CancellationToken cancellationToken)
    {
        if (card.ExpiresOn is { } expires)
        {
            _cards[card.Number] = (card.CitizenId.Value, expires);
        }

        return Task.CompletedTask;
    }

    public async Task<int> ExpireDueAsync(DateOnly today, int limit, Func<DueCard, Task<bool>> expire, CancellationToken cancellationToken)
    {
        var done = 0;
        foreach (var (number, (citizenId, _)) in _cards.Where(c => c.Value.ExpiresOn < today).OrderBy(c => c.Value.ExpiresOn).Take(limit).ToList())
        {
            if (await expire(new DueCard(number, citizenId)))
            {
                _cards.TryRemove(number, out _);
                done++;
            }
        }

        return done;
    }
}

/// <summary>
/// Every silo, every <see cref="CardExpiryOptions.ExpirySweepInterval"/>: tells the citizen grain of each card whose
/// expiry date has passed, which marks its record and raises <c>card-expired</c> (if the card is still the citizen's
/// current, valid one). A card whose grain call fails stays for the next sweep.
/// </summary>
public sealed partial class CardExpirySweep(
    ICardExpiryStore store, IGrainFactory grains, [FromKeyedServices(HubClock.Key)] TimeProvider hubClock, TimeProvider timers,
    IOptions<CardExpiryOptions> options, ILogger<CardExpirySweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var settings = options.Value;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Batch after batch while each one is full and all went through; a failure waits for the next interval.
                var today = DateOnly.FromDateTime(hubClock.GetUtcNow().UtcDateTime);
                int expired;
                do
                {
                    expired = await store.ExpireDueAsync(today, settings.ExpirySweepBatch, ExpireAsync, stopping);
                }
                while (expired == settings.ExpirySweepBatch);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogSweepFailed(e.GetType().Name);
            }

            await Task.Delay(settings.ExpirySweepInterval, timers, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<bool> ExpireAsync(DueCard card)
    {
        try
        {
            await grains.GetGrain<ICitizenGrain>(card.CitizenId).OnCardStatusChangedAsync(card.Number, CardStatus.Expired);
            return true;
        }
        catch (Exception e)
        {
            LogExpireFailed(e.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Card expiry sweep failed ({Failure}); retrying at the next interval")]
    private partial void LogSweepFailed(string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark an expired card on its record ({Failure}); it stays for the next sweep")]
    private partial void LogExpireFailed(string failure);
}

public static class CardExpiryExtensions
{
    public static WebApplicationBuilder AddCardExpiry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CardExpiryOptions>().BindConfiguration(CardExpiryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Configuration.GetStorageMode() == StorageMode.Postgres)
        {
            builder.Services.AddSingleton<ICardExpiryStore, PostgresCardExpiryStore>();
        }
        else
        {
            builder.Services.AddSingleton<ICardExpiryStore, InMemoryCardExpiryStore>();
        }

        builder.Services.AddSingleton<ICardExpiryIndex>(sp => sp.GetRequiredService<ICardExpiryStore>());
        builder.Services.AddHostedService<CardExpirySweep>();
        return builder;
    }
}
