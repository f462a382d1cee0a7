using Microsoft.AspNetCore.Diagnostics;
using OrleansHub.Grains;
using OrleansHub.Grains.Lookups;
using OrleansHub.Host.Agencies;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Fees;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Lookups;

/// <summary>Builds the audit entries of agency requests and writes them before the answer leaves the hub.</summary>
public sealed class AccessAudit(IAuditLog log, HubInstruments instruments, CreditCapGuard creditCaps, [FromKeyedServices(HubClock.Key)] TimeProvider time)
{
    /// <summary>The path prefix of the agency API: every refusal under it is audited, also those made before an endpoint ran.</summary>
    public const string AgencyApiPrefix = "/v1";

    public const string Lookup = "lookup";
    public const string BatchLookup = "lookup-batch";
    public const string Verification = "verification";

    /// <summary>One decision; <paramref name="denial"/> null means the fields were disclosed. The reason is the problem type's slug.</summary>
    public AuditEntry Entry(HttpContext http, string? agencyCode, string? citizenId, string operation, string? purpose, IReadOnlyList<string> fields, ProblemType? denial) =>
        new(Guid.CreateVersion7(time.GetUtcNow()), time.GetUtcNow(), agencyCode, citizenId, operation, purpose, fields,
            denial is null ? AuditOutcome.Allowed : AuditOutcome.Denied, denial?.Slug, Fee: null, http.TraceIdentifier);

    /// <summary>
    /// Completes once the entries are durable (with their charges, and the fee ledger with them); throws
    /// <see cref="AuditUnavailableException"/> otherwise, and then nothing may be sent.
    /// </summary>
    public async ValueTask WriteAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        await log.AppendAsync(entries, cancellationToken);
        foreach (var entry in entries)
        {
            if (entry is { Fee: { Vnd: > 0 } fee, AgencyCode: { } agency })
            {
                instruments.FeeCharged(agency, fee.Product, fee.Vnd);
                creditCaps.Charged(agency, fee.Vnd);
            }
        }
    }

    /// <summary>Whether the request is addressed to the agency API (and its refusals are therefore audited).</summary>
    public static bool IsAgencyRequest(HttpContext http) => http.Request.Path.StartsWithSegments(AgencyApiPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Audits an agency request refused before its endpoint read it: a missing or refused key (the agency scheme's
    /// challenge) or a body the framework could not bind (the exception handler). The entry names the agency only when
    /// the hub knows it (an authenticated caller, or a wrong or revoked key of a registered agency), never a citizen, and
    /// holds nothing the caller sent: neither the key nor any part of the body. Returns the entry's ID; throws
    /// <see cref="AuditUnavailableException"/> when the log did not take it, and then the refusal must not be sent either.
    /// </summary>
    public async Task<Guid> RefusedBeforeEndpointAsync(HttpContext http, ProblemType reason)
    {
        var agencyCode = http.User.FindFirst(HubClaims.Agency)?.Value ?? http.GetAgencyKeyCheck()?.Policy?.Code;
        var entry = Entry(http, agencyCode, citizenId: null, OperationOf(http), purpose: null, fields: [], reason);
        instruments.AgencyRequestRefused(reason.Slug, agencyCode);
        await WriteAsync([entry], CancellationToken.None);
        return entry.Id;
    }

    /// <summary>
    /// Audits a request to the agency API that is refused before its endpoint read it (<paramref name="type"/> is the
    /// refusal); other requests pass unaudited. When the log does not take the entry the answer becomes 503
    /// audit-unavailable: no refusal leaves the hub unaudited.
    /// </summary>
    public async Task<(ProblemType Type, Guid? AuditId)> AuditIfAgencyRefusalAsync(HttpContext http, ProblemType type)
    {
        if (!IsAgencyRequest(http))
        {
            return (type, null);
        }

        try
        {
            return (type, await RefusedBeforeEndpointAsync(http, type));
        }
        catch (AuditUnavailableException)
        {
            http.Response.Headers.RetryAfter = "1";
            return (ProblemTypes.AuditUnavailable, null);
        }
    }

    /// <summary>
    /// The audited operation of the request's endpoint (<see cref="AuditedOperation"/>), else its route template: never the
    /// raw path, which the caller chose. The exception handler clears the endpoint, so it is read from its feature there.
    /// </summary>
    private static string OperationOf(HttpContext http)
    {
        var endpoint = http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return endpoint?.Metadata.GetMetadata<AuditedOperation>()?.Name
            ?? (endpoint as RouteEndpoint)?.RoutePattern.RawText
            ?? AgencyApiPrefix;
    }

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

/// <summary>Endpoint metadata: the operation an agency endpoint's audit entries name (<see cref="AccessAudit.Lookup"/>, ...).</summary>
public sealed record AuditedOperation(string Name);
