using OrleansHub.Grains;
using OrleansHub.Host.Audit;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>
/// Every change to where an agency's events go, in the audit log (hash-chained, append-only): who (the agency, and through
/// the request ID the key), when, what (created, URL changed, secret rotated, a refused verification, disabled by the
/// operator or by the revocation of the key that set it, removed). The URL itself is not personal data but stays out of
/// the log; the webhook shows it to the operator.
/// </summary>
public sealed class WebhookAudit(IAuditLog log, [FromKeyedServices(HubClock.Key)] TimeProvider time)
{
    public const string Changed = "webhook-change";
    public const string Disabled = "webhook-disabled";
    public const string Removed = "webhook-removed";

    /// <summary>Appends one entry; throws <see cref="Problems.AuditUnavailableException"/> when the log does not take it.</summary>
    public async Task RecordAsync(string agencyCode, string operation, AuditOutcome outcome, string reason, string requestId)
    {
        var now = time.GetUtcNow();
        await log.AppendAsync([new AuditEntry(Guid.CreateVersion7(now), now, agencyCode, CitizenId: null, operation, Purpose: null, Fields: [], outcome, reason,
            Fee: null, requestId)], CancellationToken.None);
    }
}
