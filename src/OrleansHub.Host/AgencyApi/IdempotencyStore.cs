using Npgsql;

namespace OrleansHub.Host.AgencyApi;

/// <summary>What the hub holds for an agency's <c>Idempotency-Key</c> when a request arrives with it.</summary>
public enum IdempotencyState
{
    /// <summary>Unknown (or expired, or a lapsed claim of the same request): this request now holds it and is served.</summary>
    Claimed = 0,

    /// <summary>The same request was answered: replay that answer.</summary>
    Answered,

    /// <summary>The same request is being answered right now.</summary>
    InFlight,

    /// <summary>The key stands for another request.</summary>
    OtherRequest,
}

/// <summary>The outcome of a claim; <see cref="Answer"/> is set when <see cref="State"/> is <see cref="IdempotencyState.Answered"/>.</summary>
public sealed record IdempotencyClaim(IdempotencyState State, StoredAnswer? Answer = null);

/// <summary>
/// A first answer as sent: status, content type and body bytes, and what it disclosed (<see cref="DisclosureSummary"/>,
/// serialized), which a replay re-checks.
/// </summary>
public sealed record StoredAnswer(int Status, string? ContentType, byte[] Body, byte[]? Disclosed);

/// <summary>Remembers agency requests by <c>Idempotency-Key</c> for the configured window.</summary>
public interface IIdempotencyStore
{
    /// <summary>Claims the key for a request whose method, path and body hash to <paramref name="requestHash"/>, or says why not.</summary>
    Task<IdempotencyClaim> ClaimAsync(string agencyCode, string key, byte[] requestHash, DateTimeOffset now, TimeSpan lease, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Stores the claimed request's answer for retries.</summary>
    Task CompleteAsync(string agencyCode, string key, byte[] requestHash, StoredAnswer answer, CancellationToken cancellationToken);

    /// <summary>Forgets a claim whose request sent nothing worth replaying (the hub could not answer it), so a retry is served afresh.</summary>
    Task ReleaseAsync(string agencyCode, string key, byte[] requestHash, CancellationToken cancellationToken);

    /// <summary>Deletes records past their window; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Embedded mode: records in this process.</summary>
public sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    private readonly Dictionary<(string Agency, string Key), Record> _records = [];
    private readonly Lock _lock = new();

    public Task<IdempotencyClaim> ClaimAsync(string agencyCode, string key, byte[] requestHash, DateTimeOffset now, TimeSpan lease, TimeSpan window, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_records.TryGetValue((agencyCode, key), out var held) && held.ExpiresAt > now)
            {
                var sameRequest = held.RequestHash.AsSpan().SequenceEqual(requestHash);
                if (!sameRequest)
                {
                    return Task.FromResult(new IdempotencyClaim(IdempotencyState.OtherRequest));
                }

                if (held.Answer is { } answer)
                {
                    return Task.FromResult(new IdempotencyClaim(IdempotencyState.Answered, answer));
                }

                if (held.LeaseUntil > now)
                {
                    return Task.FromResult(new IdempotencyClaim(IdempotencyState.InFlight));
                }
            }

            _records[(agencyCode, key)] = new Record(requestHash, null, now + lease, now + window);
            return Task.FromResult(new IdempotencyClaim(IdempotencyState.Claimed));
        }
    }

    public Task CompleteAsync(string agencyCode, string key, byte[] requestHash, StoredAnswer answer, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_records.TryGetValue((agencyCode, key), out var held) && held.Answer is null && held.RequestHash.AsSpan().SequenceEqual(requestHash))
            {
                _records[(agencyCode, key)] = held with { Answer = answer };
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string agencyCode, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_records.TryGetValue((agencyCode, key), out var held) && held.Answer is null && held.RequestHash.AsSpan().SequenceEqual(requestHash))
            {
                _records.Remove((agencyCode, key));
            }
        }

        return Task.CompletedTask;
    }

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var expired = _records.Where(r => r.Value.ExpiresAt <= now).Select(r => r.Key).ToList();
            foreach (var key in expired)
            {
                _records.Remove(key);
            }

            return Task.FromResult(expired.Count);
        }
    }

    private sealed record Record(byte[] RequestHash, StoredAnswer? Answer, DateTimeOffset LeaseUntil, DateTimeOffset ExpiresAt);
}

/// <summary>PostgreSQL mode: <c>idempotency_keys</c>, shared by every silo, so a retry through another silo is recognised.</summary>
public sealed class PostgresIdempotencyStore(NpgsqlDataSource dataSource) : IIdempotencyStore
{
    // Takes the key when it is new, expired, or held by a lapsed claim of this same request; otherwise returns no row.
    private const string Claim = """
        INSERT INTO idempotency_keys AS k (agency_code, key, request_hash, created_at, lease_until, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (agency_code, key) DO UPDATE SET request_hash = excluded.request_hash, completed = false, status = NULL,
            content_type = NULL, body = NULL, disclosed = NULL, created_at = excluded.created_at, lease_until = excluded.lease_until, expires_at = excluded.expires_at
        WHERE k.expires_at <= excluded.created_at
           OR (NOT k.completed AND k.lease_until <= excluded.created_at AND k.request_hash = excluded.request_hash)
        RETURNING 1
        """;

    public async Task<IdempotencyClaim> ClaimAsync(string agencyCode, string key, byte[] requestHash, DateTimeOffset now, TimeSpan lease, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var claim = new NpgsqlCommand(Claim, connection))
        {
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agencyCode });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            claim.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = requestHash });
            claim.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            claim.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (now + lease).UtcDateTime });
            claim.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (now + window).UtcDateTime });
            if (await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return new IdempotencyClaim(IdempotencyState.Claimed);
            }
        }

        await using var read = new NpgsqlCommand(
            "SELECT request_hash, completed, status, content_type, body, disclosed FROM idempotency_keys WHERE agency_code = $1 AND key = $2", connection);
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agencyCode });
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Released between the two statements: the client may retry at once.
            return new IdempotencyClaim(IdempotencyState.InFlight);
        }

        if (!reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(requestHash))
        {
            return new IdempotencyClaim(IdempotencyState.OtherRequest);
        }

        return reader.GetBoolean(1)
            ? new IdempotencyClaim(IdempotencyState.Answered,
                new StoredAnswer(reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<byte[]>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<byte[]>(5)))
            : new IdempotencyClaim(IdempotencyState.InFlight);
    }

    public async Task CompleteAsync(string agencyCode, string key, byte[] requestHash, StoredAnswer answer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE idempotency_keys SET completed = true, status = $4, content_type = $5, body = $6, disclosed = $7
            WHERE agency_code = $1 AND key = $2 AND request_hash = $3 AND NOT completed
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agencyCode });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = requestHash });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = answer.Status });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)answer.ContentType ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = answer.Body });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)answer.Disclosed ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(string agencyCode, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM idempotency_keys WHERE agency_code = $1 AND key = $2 AND request_hash = $3 AND NOT completed");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agencyCode });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = requestHash });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM idempotency_keys WHERE expires_at <= $1");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
