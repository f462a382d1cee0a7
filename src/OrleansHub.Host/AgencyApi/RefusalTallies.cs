using System.Collections.Concurrent;
using Npgsql;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// How many agency API requests were refused before they authenticated, per minute (UTC), agency (the one a wrong or
/// revoked key named, or <see cref="UnknownAgency"/>) and reason (the problem type's slug).
/// </summary>
public sealed record RefusalTally(DateTimeOffset Minute, string Agency, string Reason, long Count)
{
    /// <summary>The agency of a request whose key named none that is registered.</summary>
    public const string UnknownAgency = "unknown";
}

/// <summary>Keeps the per-minute tallies of unauthenticated refusals: each silo adds its counts every few seconds.</summary>
public interface IRefusalTallyStore
{
    /// <summary>Adds the counts to the stored tallies (summing with what other silos added for the same minute).</summary>
    Task AddAsync(IReadOnlyList<RefusalTally> tallies, CancellationToken cancellationToken);

    /// <summary>The tallies of the minutes from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    Task<IReadOnlyList<RefusalTally>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>Embedded mode: the tallies in this process.</summary>
public sealed class InMemoryRefusalTallyStore : IRefusalTallyStore
{
    private readonly ConcurrentDictionary<(DateTimeOffset Minute, string Agency, string Reason), long> _tallies = new();

    public Task AddAsync(IReadOnlyList<RefusalTally> tallies, CancellationToken cancellationToken)
    {
        foreach (var tally in tallies)
        {
            _tallies.AddOrUpdate((tally.Minute, tally.Agency, tally.Reason), tally.Count, (_, held) => held + tally.Count);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RefusalTally>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RefusalTally>>([.. _tallies
            .Where(t => t.Key.Minute >= from && t.Key.Minute < to)
            .Select(t => new RefusalTally(t.Key.Minute, t.Key.Agency, t.Key.Reason, t.Value))
            .OrderBy(t => t.Minute).ThenBy(t => t.Agency, StringComparer.Ordinal).ThenBy(t => t.Reason, StringComparer.Ordinal)]);
}

/// <summary>PostgreSQL mode: <c>agency_refusal_tallies</c>, summed across silos.</summary>
public sealed class PostgresRefusalTallyStore(NpgsqlDataSource dataSource) : IRefusalTallyStore
{
    private const string Add = """
        INSERT INTO agency_refusal_tallies AS t (minute, agency_code, reason, refusals)
        SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[])
        ON CONFLICT (minute, agency_code, reason) DO UPDATE SET refusals = t.refusals + excluded.refusals
        """;

    public async Task AddAsync(IReadOnlyList<RefusalTally> tallies, CancellationToken cancellationToken)
    {
        if (tallies.Count == 0)
        {
            return;
        }

        // Key order, so silos flushing at once lock rows in the same order.
        var ordered = tallies.OrderBy(t => t.Minute).ThenBy(t => t.Agency, StringComparer.Ordinal).ThenBy(t => t.Reason, StringComparer.Ordinal).ToList();
        await using var command = dataSource.CreateCommand(Add);
        command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. ordered.Select(t => t.Minute.UtcDateTime)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. ordered.Select(t => t.Agency)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. ordered.Select(t => t.Reason)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. ordered.Select(t => t.Count)] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RefusalTally>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT minute, agency_code, reason, refusals FROM agency_refusal_tallies WHERE minute >= $1 AND minute < $2 ORDER BY minute, agency_code, reason");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        var tallies = new List<RefusalTally>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tallies.Add(new RefusalTally(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return tallies;
    }
}
