using Npgsql;
using OrleansHub.Host.Audit;

namespace OrleansHub.Host.Fees;

/// <summary>Reads <c>fee_ledger</c>, and recomputes the same lines from <c>audit_log</c> for reconciliation.</summary>
public sealed class PostgresFeeLedger(NpgsqlDataSource dataSource) : IFeeLedger
{
    /// <summary>The month's lines: the rows of every writer that charged an agency's day and product, summed (migration 0022).</summary>
    public Task<IReadOnlyList<FeeLedgerLine>> ReadMonthAsync(DateOnly month, string? agencyCode, CancellationToken cancellationToken) =>
        ReadAsync("""
            SELECT agency_code, day, product, sum(answers)::bigint, sum(fields)::bigint, sum(exempt_answers)::bigint,
                   sum(exempt_fields)::bigint, sum(amount_vnd)::bigint
            FROM fee_ledger
            WHERE day >= $1 AND day < $2 AND ($3::text IS NULL OR agency_code = $3)
            GROUP BY agency_code, day, product
            ORDER BY agency_code, day, product
            """, month, agencyCode, cancellationToken);

    /// <summary>
    /// Sums the charged audit rows of the month. The month is a fee-calendar (UTC+07:00) month, so the scan covers the
    /// instants from its first local midnight to the next month's, which touches two UTC partitions.
    /// </summary>
    public Task<IReadOnlyList<FeeLedgerLine>> RecomputeMonthFromAuditAsync(DateOnly month, CancellationToken cancellationToken) =>
        ReadAsync("""
            SELECT agency_code, day, fee_product, count(*), sum(fee_fields),
                   count(*) FILTER (WHERE fee_exempt), coalesce(sum(fee_fields) FILTER (WHERE fee_exempt), 0), sum(fee_vnd)::bigint
            FROM (SELECT agency_code, fee_product, fee_fields, fee_exempt, fee_vnd, ((at AT TIME ZONE 'UTC') + interval '7 hours')::date AS day
                  FROM audit_log
                  WHERE fee_vnd IS NOT NULL AND agency_code IS NOT NULL
                    AND at >= ($1::date::timestamp - interval '7 hours') AT TIME ZONE 'UTC'
                    AND at < ($2::date::timestamp - interval '7 hours') AT TIME ZONE 'UTC') charged
            WHERE $3::text IS NULL OR agency_code = $3
            GROUP BY agency_code, day, fee_product
            ORDER BY agency_code, day, fee_product
            """, month, agencyCode: null, cancellationToken);

    private async Task<IReadOnlyList<FeeLedgerLine>> ReadAsync(string sql, DateOnly month, string? agencyCode, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = month });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = month.AddMonths(1) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)agencyCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var lines = new List<FeeLedgerLine>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lines.Add(new FeeLedgerLine(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetString(2), reader.GetInt64(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7)));
        }

        return lines;
    }
}
