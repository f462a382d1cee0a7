using Npgsql;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>The webhooks in PostgreSQL (migrations 0009 and 0021).</summary>
public sealed class PostgresWebhookStore(NpgsqlDataSource dataSource) : IWebhookStore
{
    private const string Columns =
        "agency_code, url, secret, status, delivered_through, attempts, last_error, next_attempt_at, failing_since, key_id, verified_at, disabled_reason";

    public async Task<WebhookEndpoint?> FindAsync(string agencyCode, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM agency_webhooks WHERE agency_code = @agency");
        command.Parameters.AddWithValue("agency", agencyCode);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new WebhookEndpoint(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), Enum.Parse<WebhookStatus>(reader.GetString(3), ignoreCase: true),
            reader.GetInt64(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
            reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
            reader.IsDBNull(11) ? null : reader.GetString(11));
    }

    public async Task SaveAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO agency_webhooks ({Columns}, updated_at)
            VALUES (@agency, @url, @secret, @status, @through, @attempts, @error, @next, @failing, @key, @verified, @disabled, now())
            ON CONFLICT (agency_code) DO UPDATE SET url = excluded.url, secret = excluded.secret, status = excluded.status,
                delivered_through = excluded.delivered_through, attempts = excluded.attempts, last_error = excluded.last_error,
                next_attempt_at = excluded.next_attempt_at, failing_since = excluded.failing_since, key_id = excluded.key_id,
                verified_at = excluded.verified_at, disabled_reason = excluded.disabled_reason, updated_at = now()
            """);
        command.Parameters.AddWithValue("agency", endpoint.AgencyCode);
        command.Parameters.AddWithValue("url", endpoint.Url);
        command.Parameters.AddWithValue("secret", endpoint.Secret);
        command.Parameters.AddWithValue("status", endpoint.Status.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("through", endpoint.DeliveredThrough);
        command.Parameters.AddWithValue("attempts", endpoint.Attempts);
        command.Parameters.Add(new NpgsqlParameter<string?>("error", endpoint.LastError));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("next", endpoint.NextAttemptAt));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("failing", endpoint.FailingSince));
        command.Parameters.Add(new NpgsqlParameter<string?>("key", endpoint.KeyId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("verified", endpoint.VerifiedAt));
        command.Parameters.Add(new NpgsqlParameter<string?>("disabled", endpoint.DisabledReason));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string agencyCode, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM agency_webhooks WHERE agency_code = @agency");
        command.Parameters.AddWithValue("agency", agencyCode);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The pending count reads the (agency_code, feed_position) index from the cursor on; it is capped so an endpoint
        // that was down for days costs no more than a bounded scan.
        await using var command = dataSource.CreateCommand("""
            SELECT w.agency_code, p.pending,
                   (w.status = 'active' AND p.pending > 0) OR (w.status = 'retrying' AND w.next_attempt_at <= @now)
            FROM agency_webhooks w
            CROSS JOIN LATERAL (
                SELECT count(*) AS pending FROM (
                    SELECT 1 FROM agency_feed f
                    WHERE f.agency_code = w.agency_code AND f.feed_position > w.delivered_through
                    LIMIT 100000) capped) p
            """);
        command.Parameters.AddWithValue("now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var backlog = new List<WebhookBacklog>();
        while (await reader.ReadAsync(cancellationToken))
        {
            backlog.Add(new WebhookBacklog(reader.GetString(0), reader.GetInt64(1), reader.GetBoolean(2)));
        }

        return backlog;
    }
}
