namespace OrleansHub.Host.Audit;

/// <summary>Page sizes the audit readers accept; endpoints validate against these before calling.</summary>
public static class AuditPaging
{
    public const int MaxPageSize = 1_000;

    internal static void ThrowIfOutOfRange(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
    }

    /// <summary>Newest first: by time, then by ID, both descending (the order PostgreSQL's index keeps).</summary>
    internal static int NewestFirst(AuditEntry a, AuditEntry b)
    {
        var byTime = b.At.CompareTo(a.At);
        return byTime != 0 ? byTime : b.Id.CompareTo(a.Id);
    }

    internal static bool IsOlderThan(AuditEntry entry, AuditCursor cursor) =>
        entry.At < cursor.At || (entry.At == cursor.At && entry.Id.CompareTo(cursor.Id) < 0);
}
