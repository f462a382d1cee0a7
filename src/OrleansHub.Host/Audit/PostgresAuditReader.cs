using Npgsql;

namespace OrleansHub.Host.Audit;

/// <summary>Reads <c>audit_log</c>: a citizen's entries newest first (keyset paging on the citizen index), or one entry.</summary>
public sealed class PostgresAuditReader(NpgsqlDataSource dataSource) : IAuditReader
{
    private const string FirstPage = $"""
        SELECT {PostgresAuditRows.EntryColumns} FROM audit_log
        WHERE citizen_id = $1
        ORDER BY at DESC, id DESC LIMIT $2
        """;

    private const string NextPage = $"""
        SELECT {PostgresAuditRows.EntryColumns} FROM audit_log
        WHERE citizen_id = $1 AND (at, id) < ($3, $4)
        ORDER BY at DESC, id DESC LIMIT $2
        """;

    public async Task<AuditPage> ReadByCitizenAsync(string citizenId, AuditCursor? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(citizenId);
        AuditPaging.ThrowIfOutOfRange(limit);
        await using var command = dataSource.CreateCommand(before is null ? FirstPage : NextPage);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = citizenId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        if (before is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = before.At.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = before.Id });
        }

        var entries = new List<AuditEntry>(Math.Min(limit + 1, 64));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(PostgresAuditRows.Read(reader));
            }
        }

        if (entries.Count <= limit)
        {
            return new AuditPage(entries, null);
        }

        entries.RemoveAt(limit);
        return new AuditPage(entries, new AuditCursor(entries[^1].At, entries[^1].Id));
    }

    public async Task<AuditEntry?> FindAsync(Guid entryId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {PostgresAuditRows.EntryColumns} FROM audit_log WHERE id = $1 LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = entryId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? PostgresAuditRows.Read(reader) : null;
    }
}
