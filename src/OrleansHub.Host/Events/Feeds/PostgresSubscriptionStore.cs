using Npgsql;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>Subscriptions in PostgreSQL (migration 0008), where the dispatcher joins them with new events.</summary>
public sealed class PostgresSubscriptionStore(NpgsqlDataSource dataSource) : ISubscriptionStore
{
    public async Task<SubscribeOutcome> SubscribeAsync(CitizenSubscription s, int maxPerAgency, CancellationToken cancellationToken)
    {
        // A new row only while the agency holds fewer than the cap (the count stops at the cap, so it costs at most that much);
        // a replacement always. xmax = 0 only for a freshly inserted row: tells a new subscription from a replaced one. Two
        // silos adding an agency's last subscriptions at the same moment may overshoot the cap by one each.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO citizen_subscriptions (agency_code, citizen_id, purpose, event_types, created_at)
            SELECT @agency, @citizen, @purpose, @types, @at
            WHERE EXISTS (SELECT 1 FROM citizen_subscriptions WHERE agency_code = @agency AND citizen_id = @citizen)
               OR (SELECT count(*) FROM (SELECT 1 FROM citizen_subscriptions WHERE agency_code = @agency LIMIT @cap) AS held) < @cap
            ON CONFLICT (agency_code, citizen_id) DO UPDATE SET purpose = excluded.purpose, event_types = excluded.event_types
            RETURNING xmax = 0
            """);
        command.Parameters.AddWithValue("agency", s.AgencyCode);
        command.Parameters.AddWithValue("citizen", s.CitizenId);
        command.Parameters.AddWithValue("purpose", s.Purpose);
        command.Parameters.AddWithValue("types", s.EventTypes.ToArray());
        command.Parameters.AddWithValue("at", s.CreatedAt);
        command.Parameters.AddWithValue("cap", (long)maxPerAgency);
        return await command.ExecuteScalarAsync(cancellationToken) switch
        {
            true => SubscribeOutcome.Created,
            false => SubscribeOutcome.Replaced,
            _ => SubscribeOutcome.LimitReached,
        };
    }

    public async Task<bool> UnsubscribeCitizenAsync(string agencyCode, string citizenId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM citizen_subscriptions WHERE agency_code = @agency AND citizen_id = @citizen");
        command.Parameters.AddWithValue("agency", agencyCode);
        command.Parameters.AddWithValue("citizen", citizenId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<bool> SubscribeAsync(PopulationSubscription s, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO population_subscriptions (agency_code, event_type, purpose, created_at)
            VALUES (@agency, @type, @purpose, @at)
            ON CONFLICT (agency_code, event_type) DO UPDATE SET purpose = excluded.purpose
            RETURNING xmax = 0
            """);
        command.Parameters.AddWithValue("agency", s.AgencyCode);
        command.Parameters.AddWithValue("type", s.EventType);
        command.Parameters.AddWithValue("purpose", s.Purpose);
        command.Parameters.AddWithValue("at", s.CreatedAt);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> UnsubscribePopulationAsync(string agencyCode, string eventType, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM population_subscriptions WHERE agency_code = @agency AND event_type = @type");
        command.Parameters.AddWithValue("agency", agencyCode);
        command.Parameters.AddWithValue("type", eventType);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<CitizenSubscription>> ListCitizensAsync(string agencyCode, string? afterCitizenId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT citizen_id, purpose, event_types, created_at FROM citizen_subscriptions
            WHERE agency_code = @agency AND citizen_id > @after
            ORDER BY citizen_id COLLATE "C"
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("agency", agencyCode);
        command.Parameters.AddWithValue("after", afterCitizenId ?? "");
        command.Parameters.AddWithValue("limit", limit);
        var list = new List<CitizenSubscription>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new CitizenSubscription(agencyCode, reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return list;
    }

    public async Task<IReadOnlyList<PopulationSubscription>> ListPopulationAsync(string agencyCode, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT event_type, purpose, created_at FROM population_subscriptions WHERE agency_code = @agency ORDER BY event_type COLLATE \"C\"");
        command.Parameters.AddWithValue("agency", agencyCode);
        var list = new List<PopulationSubscription>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new PopulationSubscription(agencyCode, reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return list;
    }
}
