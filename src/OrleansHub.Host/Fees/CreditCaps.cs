using System.Collections.Concurrent;
using Npgsql;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains;
using OrleansHub.Host.Audit;

namespace OrleansHub.Host.Fees;

/// <summary>The operator's monthly credit cap per agency, in đồng; no row: no cap.</summary>
public interface ICreditCapStore
{
    Task<long?> GetAsync(string agencyCode, CancellationToken cancellationToken);

    Task SetAsync(string agencyCode, long? monthlyCapVnd, CancellationToken cancellationToken);
}

public sealed class InMemoryCreditCapStore : ICreditCapStore
{
    private readonly ConcurrentDictionary<string, long> _caps = new(StringComparer.Ordinal);

    public Task<long?> GetAsync(string agencyCode, CancellationToken cancellationToken) =>
        Task.FromResult(_caps.TryGetValue(agencyCode, out var cap) ? cap : (long?)null);

    public Task SetAsync(string agencyCode, long? monthlyCapVnd, CancellationToken cancellationToken)
    {
        if (monthlyCapVnd is { } cap)
        {
            _caps[agencyCode] = cap;
        }
        else
        {
            _caps.TryRemove(agencyCode, out _);
        }

        return Task.CompletedTask;
    }
}

public sealed class PostgresCreditCapStore(NpgsqlDataSource dataSource) : ICreditCapStore
{
    public async Task<long?> GetAsync(string agencyCode, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT monthly_cap_vnd FROM fee_credit_caps WHERE agency_code = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agencyCode });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long cap ? cap : null;
    }

    public async Task SetAsync(string agencyCode, long? monthlyCapVnd, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(monthlyCapVnd is null
            ? "DELETE FROM fee_credit_caps WHERE agency_code = $1"
            : """
              INSERT INTO fee_credit_caps (agency_code, monthly_cap_vnd) VALUES ($1, $2)
              ON CONFLICT (agency_code) DO UPDATE SET monthly_cap_vnd = excluded.monthly_cap_vnd, updated_at = now()
              """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agencyCode });
        if (monthlyCapVnd is { } cap)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = cap });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Refuses chargeable requests of an agency whose charges this month (fee calendar) have reached its credit cap. Each
/// silo reads the cap and the month's ledger total at most every <see cref="Staleness"/> per agency and adds what it
/// charges itself in between, so one silo is exact and a cluster may overshoot by what the other silos charged the
/// agency within that time. State agencies are exempt from fees, so never capped.
/// </summary>
public sealed class CreditCapGuard(ICreditCapStore caps, IFeeLedger ledger, [FromKeyedServices(HubClock.Key)] TimeProvider time)
{
    public static readonly TimeSpan Staleness = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Standing> _standings = new(StringComparer.Ordinal);

    /// <summary>Whether the agency's cap is reached, so its next chargeable answer must be refused.</summary>
    public async ValueTask<bool> IsReachedAsync(AgencyPolicy agency, CancellationToken cancellationToken)
    {
        if (agency.Definition.Kind == AgencyKind.State)
        {
            return false;
        }

        var standing = await StandingAsync(agency.Code, cancellationToken);
        return standing.CapVnd is { } cap && Volatile.Read(ref standing.SpentVnd) >= cap;
    }

    /// <summary>The agency's cap and what it has been charged this month, as this silo knows them.</summary>
    public async ValueTask<(long? CapVnd, long SpentVnd)> ReadAsync(string agencyCode, CancellationToken cancellationToken)
    {
        var standing = await StandingAsync(agencyCode, cancellationToken);
        return (standing.CapVnd, Volatile.Read(ref standing.SpentVnd));
    }

    /// <summary>Adds charges this silo just made durable, so the next request here sees them at once.</summary>
    public void Charged(string agencyCode, long vnd)
    {
        if (_standings.TryGetValue(agencyCode, out var standing))
        {
            Interlocked.Add(ref standing.SpentVnd, vnd);
        }
    }

    /// <summary>Forgets what this silo knows of the agency (its cap changed).</summary>
    public void Forget(string agencyCode) => _standings.TryRemove(agencyCode, out _);

    private async ValueTask<Standing> StandingAsync(string agencyCode, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var month = VietnamCalendar.DateOf(now);
        month = new DateOnly(month.Year, month.Month, 1);
        if (_standings.TryGetValue(agencyCode, out var known) && now - known.ReadAt < Staleness && known.Month == month)
        {
            return known;
        }

        var cap = await caps.GetAsync(agencyCode, cancellationToken);
        var spent = FeeTotals.Of(await ledger.ReadMonthAsync(month, agencyCode, cancellationToken)).AmountVnd;
        var fresh = new Standing(now, month, cap) { SpentVnd = spent };
        _standings[agencyCode] = fresh;
        return fresh;
    }

    /// <summary>What one silo knows of one agency; <see cref="SpentVnd"/> grows with this silo's own charges.</summary>
    private sealed class Standing(DateTimeOffset readAt, DateOnly month, long? capVnd)
    {
        public long SpentVnd;

        public DateTimeOffset ReadAt { get; } = readAt;

        public DateOnly Month { get; } = month;

        public long? CapVnd { get; } = capVnd;
    }
}
