using Npgsql;
using OrleansHub.Grains.Fees;

namespace OrleansHub.Host.Audit;

/// <summary>How an audit entry maps to a row of <c>audit_log</c>, shared by the readers.</summary>
internal static class PostgresAuditRows
{
    /// <summary>The entry's columns, in the order <see cref="Read"/> expects them.</summary>
    public const string EntryColumns = "id, at, agency_code, citizen_id, operation, purpose, fields, outcome, reason, fee_vnd, request_id, fee_product, fee_fields, fee_exempt, fee_schedule";

    public const string Allowed = "allowed";
    public const string Denied = "denied";

    public static string ToText(AuditOutcome outcome) => outcome == AuditOutcome.Allowed ? Allowed : Denied;

    public static AuditEntry Read(NpgsqlDataReader row, int first = 0) => new(
        Id: row.GetGuid(first),
        At: row.GetFieldValue<DateTimeOffset>(first + 1),
        AgencyCode: NullableString(row, first + 2),
        CitizenId: NullableString(row, first + 3),
        Operation: row.GetString(first + 4),
        Purpose: NullableString(row, first + 5),
        Fields: row.GetFieldValue<string[]>(first + 6),
        Outcome: row.GetString(first + 7) == Allowed ? AuditOutcome.Allowed : AuditOutcome.Denied,
        Reason: NullableString(row, first + 8),
        Fee: row.IsDBNull(first + 9) ? null
            : new FeeCharge(row.GetString(first + 11), row.GetInt32(first + 12), row.GetInt64(first + 9), row.GetBoolean(first + 13), row.GetInt32(first + 14)),
        RequestId: row.GetString(first + 10));

    private static string? NullableString(NpgsqlDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
}
