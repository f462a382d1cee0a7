using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Grains;
using OrleansHub.Grains.Agencies;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// The one writer of the agency API's refusals. Every refusal of an authenticated agency's request, wherever it is made
/// (the pipeline: suspension, quota, idempotency; an endpoint's validation or not-found; the framework: an unreadable body,
/// a content type or method the endpoint does not take), is in the audit log before the answer leaves: one entry per
/// citizen the request names (so each citizen's access log shows it), or one naming none. The entry holds the agency, the
/// operation, the reason and the request ID, never the key or the body. Requests that never authenticated are counted by
/// <see cref="UnauthenticatedRefusals"/> instead.
/// </summary>
public sealed class RefusalAudit(
    IAuditLog log,
    UnauthenticatedRefusals unauthenticated,
    HubInstruments instruments,
    [FromKeyedServices(HubClock.Key)] TimeProvider time) : IRefusalRecorder
{
    /// <summary>
    /// Audits <paramref name="reason"/> for the request's agency; returns the first entry's ID. Throws
    /// <see cref="AuditUnavailableException"/> when the log did not take it, and then the refusal must not be sent either.
    /// </summary>
    public async ValueTask<Guid> AuditAsync(HttpContext http, ProblemType reason, IReadOnlyList<string> citizens)
    {
        var agencyCode = CallingAgency.Of(http)?.Code;
        var operation = OperationOf(http);
        var now = time.GetUtcNow();
        AuditEntry[] entries = citizens.Count == 0
            ? [Entry(http, now, agencyCode, citizenId: null, operation, reason)]
            : [.. citizens.Select(c => Entry(http, now, agencyCode, c, operation, reason))];
        instruments.AgencyRequestRefused(reason.Slug, agencyCode);
        await log.AppendAsync(entries, CancellationToken.None);
        return entries[0].Id;
    }

    /// <summary>Audits a refusal and builds its answer (503 audit-unavailable, with nothing else, when the log does not take it).</summary>
    public async ValueTask<ProblemHttpResult> RefuseAsync(HttpContext http, ProblemType type, IReadOnlyList<string> citizens, string? detail = null,
        Dictionary<string, object?>? extensions = null)
    {
        try
        {
            extensions ??= [];
            extensions[ProblemExtensions.AuditId] = await AuditAsync(http, type, citizens);
            return HubProblems.Of(type, detail, extensions);
        }
        catch (AuditUnavailableException)
        {
            http.Response.Headers.RetryAfter = "1";
            return HubProblems.Of(ProblemTypes.AuditUnavailable);
        }
    }

    /// <summary>
    /// Audits an idempotent replay: one entry per citizen of the kept answer, with the fields it discloses again (reason
    /// <c>idempotent-replay</c>, no fee: a replay is not charged again), or the denial it repeats.
    /// </summary>
    public async ValueTask AuditReplayAsync(HttpContext http, string operation, DisclosureSummary disclosed)
    {
        var agencyCode = CallingAgency.Of(http)?.Code;
        var now = time.GetUtcNow();
        AuditEntry[] entries = disclosed.Items.Count == 0
            ? [new(Guid.CreateVersion7(now), now, agencyCode, null, operation, disclosed.Purpose, [], AuditOutcome.Denied, Idempotency.ReplayReason, null, http.TraceIdentifier)]
            : [.. disclosed.Items.Select(i => new AuditEntry(Guid.CreateVersion7(now), now, agencyCode, i.CitizenId, disclosed.Operation ?? operation,
                disclosed.Purpose, i.Fields, i.Refusal is null ? AuditOutcome.Allowed : AuditOutcome.Denied, i.Refusal ?? Idempotency.ReplayReason, null,
                http.TraceIdentifier))];
        await log.AppendAsync(entries, CancellationToken.None);
    }

    /// <summary>
    /// A refusal made before the endpoint ran (the exception handler, the status-code pages): audited for an authenticated
    /// agency, counted for a request that never authenticated; other APIs' requests pass unrecorded.
    /// </summary>
    public async ValueTask<(ProblemType Answer, Guid? RecordId)> RecordAsync(HttpContext http, ProblemType refusal)
    {
        if (!AgencyApiGroup.IsAgencyRequest(http))
        {
            return (refusal, null);
        }

        if (CallingAgency.Of(http) is null)
        {
            unauthenticated.Count(http.Features.Get<AgencyKeyCheck>()?.Policy?.Code, refusal.Slug);
            return (refusal, null);
        }

        try
        {
            return (refusal, await AuditAsync(http, refusal, []));
        }
        catch (AuditUnavailableException)
        {
            http.Response.Headers.RetryAfter = "1";
            return (ProblemTypes.AuditUnavailable, null);
        }
    }

    private static AuditEntry Entry(HttpContext http, DateTimeOffset now, string? agencyCode, string? citizenId, string operation, ProblemType reason) =>
        new(Guid.CreateVersion7(now), now, agencyCode, citizenId, operation, Purpose: null, Fields: [], AuditOutcome.Denied, reason.Slug, Fee: null,
            http.TraceIdentifier);

    /// <summary>
    /// The endpoint's <see cref="AgencyOperation"/>, else its route template: never the raw path, which the caller chose. The
    /// exception handler clears the endpoint, so it is read from its feature there.
    /// </summary>
    private static string OperationOf(HttpContext http)
    {
        var endpoint = http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return AgencyOperation.Of(endpoint)?.Name
            ?? (endpoint as RouteEndpoint)?.RoutePattern.RawText
            ?? AgencyApiGroup.Prefix;
    }
}
