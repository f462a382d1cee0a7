namespace OrleansHub.Host.Audit;

/// <summary>The embedded mode's disputes, kept in this process.</summary>
public sealed class InMemoryDisputeStore : IDisputeStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(Guid Entry, DisputeKind Kind), Dispute> _byEntry = [];

    public Task<Dispute> RecordAsync(Dispute dispute, CancellationToken cancellationToken = default)
    {
        DisputeValidation.ThrowIfInvalid(dispute);
        lock (_lock)
        {
            return Task.FromResult(_byEntry.TryAdd((dispute.AuditEntryId, dispute.Kind), dispute) ? dispute : _byEntry[(dispute.AuditEntryId, dispute.Kind)]);
        }
    }

    public Task<IReadOnlyList<Dispute>> ListByAgencyAsync(string agencyCode, DateTimeOffset? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agencyCode);
        AuditPaging.ThrowIfOutOfRange(limit);
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Dispute>>([.. _byEntry.Values
                .Where(d => d.AgencyCode == agencyCode && (before is null || d.At < before))
                .OrderByDescending(d => d.At)
                .ThenByDescending(d => d.Id)
                .Take(limit)]);
        }
    }
}
