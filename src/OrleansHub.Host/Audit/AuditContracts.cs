using OrleansHub.Grains.Fees;

namespace OrleansHub.Host.Audit;

/// <summary>Whether a request was answered with data or refused.</summary>
public enum AuditOutcome
{
    Allowed = 0,
    Denied,
}

/// <summary>
/// One decision of the hub about one citizen (or about a request that never reached one), as kept in the audit log.
/// <see cref="AgencyCode"/> is null when the key named no known agency; <see cref="CitizenId"/> is null when the request
/// named no well-formed ID. <see cref="Fee"/> is the answer's charge (product, fields counted, đồng, exempt, schedule
/// version); null for a denial or anything else that is not a billable answer.
/// </summary>
public sealed record AuditEntry(
    Guid Id,
    DateTimeOffset At,
    string? AgencyCode,
    string? CitizenId,
    string Operation,
    string? Purpose,
    IReadOnlyList<string> Fields,
    AuditOutcome Outcome,
    string? Reason,
    FeeCharge? Fee,
    string RequestId);

/// <summary>
/// Appends decisions durably. Many concurrent appends share one database write (group commit); each call completes only
/// when its entries are durable, and throws <see cref="Problems.AuditUnavailableException"/> when they could not be written.
/// </summary>
public interface IAuditLog
{
    ValueTask AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default);
}

/// <summary>A page of one citizen's access log, newest first; <see cref="Next"/> continues it.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, AuditCursor? Next);

/// <summary>Position in a newest-first listing: entries strictly older than (At, Id).</summary>
public sealed record AuditCursor(DateTimeOffset At, Guid Id);

/// <summary>Reads the audit log for citizens (their own access log) and for the operator.</summary>
public interface IAuditReader
{
    Task<AuditPage> ReadByCitizenAsync(string citizenId, AuditCursor? before, int limit, CancellationToken cancellationToken = default);

    Task<AuditEntry?> FindAsync(Guid entryId, CancellationToken cancellationToken = default);
}

/// <summary>A citizen's flag on an access-log entry: "not me" or "not consented".</summary>
public enum DisputeKind
{
    NotMe = 0,
    NotConsented,
}

public sealed record Dispute(Guid Id, Guid AuditEntryId, string CitizenId, string AgencyCode, DisputeKind Kind, string? Comment, DateTimeOffset At);

/// <summary>Disputes citizens raise against access-log entries; the operator lists them per agency.</summary>
public interface IDisputeStore
{
    /// <summary>Records a dispute; raising the same kind twice on one entry returns the first.</summary>
    Task<Dispute> RecordAsync(Dispute dispute, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Dispute>> ListByAgencyAsync(string agencyCode, DateTimeOffset? before, int limit, CancellationToken cancellationToken = default);
}
