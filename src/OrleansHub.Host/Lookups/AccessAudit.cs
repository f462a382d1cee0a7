using OrleansHub.Grains;
using OrleansHub.Grains.Lookups;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Lookups;

/// <summary>Builds the audit entries of agency requests and writes them before the answer leaves the hub.</summary>
public sealed class AccessAudit(IAuditLog log, [FromKeyedServices(HubClock.Key)] TimeProvider time)
{
    public const string Lookup = "lookup";
    public const string BatchLookup = "lookup-batch";
    public const string Verification = "verification";

    /// <summary>One decision; <paramref name="denial"/> null means the fields were disclosed. The reason is the problem type's slug.</summary>
    public AuditEntry Entry(HttpContext http, string? agencyCode, string? citizenId, string operation, string? purpose, IReadOnlyList<string> fields, ProblemType? denial) =>
        new(Guid.CreateVersion7(time.GetUtcNow()), time.GetUtcNow(), agencyCode, citizenId, operation, purpose, fields,
            denial is null ? AuditOutcome.Allowed : AuditOutcome.Denied, denial?.Slug, FeeVnd: null, http.TraceIdentifier);

    /// <summary>Completes once the entries are durable; throws <see cref="AuditUnavailableException"/> otherwise, and then nothing may be sent.</summary>
    public ValueTask WriteAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken) => log.AppendAsync(entries, cancellationToken);

    /// <summary>The problem type that names a denial to the agency.</summary>
    public static ProblemType ProblemFor(AccessDenial denial) => denial switch
    {
        AccessDenial.AgencySuspended => ProblemTypes.AgencySuspended,
        AccessDenial.PurposeNotInAgreement => ProblemTypes.PurposeNotInAgreement,
        AccessDenial.FieldNotInAgreement => ProblemTypes.FieldNotInAgreement,
        AccessDenial.ConsentRequired => ProblemTypes.ConsentRequired,
        AccessDenial.ConsentExpired => ProblemTypes.ConsentExpired,
        AccessDenial.CitizenUnknown => ProblemTypes.CitizenUnknown,
        _ => throw new ArgumentOutOfRangeException(nameof(denial), denial, "Not a denial."),
    };
}
