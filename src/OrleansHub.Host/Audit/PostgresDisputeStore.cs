using Npgsql;

namespace OrleansHub.Host.Audit;

/// <summary>Disputes in <c>audit_disputes</c>: one per audit entry and kind, listed per agency newest first.</summary>
public sealed class PostgresDisputeStore(NpgsqlDataSource dataSource) : IDisputeStore
{
    private const string Columns = "id, audit_entry_id, citizen_id, agency_code, kind, comment, at";

    public async Task<Dispute> RecordAsync(Dispute dispute, CancellationToken cancellationToken = default)
    {
        DisputeValidation.ThrowIfInvalid(dispute);
        await using (var insert = dataSource.CreateCommand($"""
            INSERT INTO audit_disputes ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (audit_entry_id, kind) DO NOTHING
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dispute.Id });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dispute.AuditEntryId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = dispute.CitizenId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = dispute.AgencyCode });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ToText(dispute.Kind) });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)dispute.Comment ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = dispute.At.UtcDateTime });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return dispute;
            }
        }

        // Raised before (perhaps concurrently, in which case ON CONFLICT waited for it to commit): return the first.
        await using var select = dataSource.CreateCommand($"SELECT {Columns} FROM audit_disputes WHERE audit_entry_id = $1 AND kind = $2");
        select.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = dispute.AuditEntryId });
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ToText(dispute.Kind) });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? Read(reader)
            : throw new InvalidOperationException("A conflicting dispute was not found after the insert gave way to it.");
    }

    public async Task<IReadOnlyList<Dispute>> ListByAgencyAsync(string agencyCode, DateTimeOffset? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agencyCode);
        AuditPaging.ThrowIfOutOfRange(limit);
        await using var command = dataSource.CreateCommand(before is null
            ? $"SELECT {Columns} FROM audit_disputes WHERE agency_code = $1 ORDER BY at DESC, id DESC LIMIT $2"
            : $"SELECT {Columns} FROM audit_disputes WHERE agency_code = $1 AND at < $3 ORDER BY at DESC, id DESC LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agencyCode });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        if (before is { } at)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = at.UtcDateTime });
        }

        var disputes = new List<Dispute>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            disputes.Add(Read(reader));
        }

        return disputes;
    }

    private static string ToText(DisputeKind kind) => kind == DisputeKind.NotMe ? "not_me" : "not_consented";

    private static Dispute Read(NpgsqlDataReader row) => new(
        Id: row.GetGuid(0),
        AuditEntryId: row.GetGuid(1),
        CitizenId: row.GetString(2),
        AgencyCode: row.GetString(3),
        Kind: row.GetString(4) == "not_me" ? DisputeKind.NotMe : DisputeKind.NotConsented,
        Comment: row.IsDBNull(5) ? null : row.GetString(5),
        At: row.GetFieldValue<DateTimeOffset>(6));
}
