using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains;
using OrleansHub.Grains.Quotas;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Quotas;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// The agency API's pipeline, run for every endpoint of the <c>/v1</c> group once the agency scheme has resolved the
/// <see cref="CallingAgency"/>, in this order:
/// <list type="number">
/// <item>suspension: a suspended agency is refused <c>403 agency-suspended</c> except where the endpoint allows it;</item>
/// <item>quota: the request is admitted against the agency's quota at the endpoint's cost (<see cref="QuotaLimiter"/>: no
/// grain call while this silo holds enough units), with the rate-limit fields on the answer, or refused 429;</item>
/// <item>idempotency, where the endpoint honours <c>Idempotency-Key</c> (<see cref="Idempotency"/>);</item>
/// <item>the endpoint, timed into <c>hub.request.duration</c>;</item>
/// <item>the refusal audit: any 4xx problem the endpoint answered that its own decision did not audit is audited here
/// (<see cref="RefusalAudit"/>) and carries its <c>auditId</c>.</item>
/// </list>
/// Every refusal is audited before it is answered; when the log cannot take it the answer is 503 audit-unavailable.
/// </summary>
public sealed class AgencyPipelineFilter(
    QuotaLimiter limiter,
    RefusalAudit refusals,
    Idempotency idempotency,
    HubInstruments instruments,
    [FromKeyedServices(HubClock.Key)] TimeProvider time) : IEndpointFilter
{
    // Not async itself: on the common path (the quota slice holds units) the endpoint's own ValueTask is returned, so the
    // pipeline adds one state machine per request, not two.
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var operation = AgencyOperation.Of(http.GetEndpoint());
        if (CallingAgency.Of(http) is not { } agency || operation is null)
        {
            // Not reachable behind the agency policy; an endpoint without an operation is a wiring error caught by the tests.
            return next(context);
        }

        if (!agency.Policy.IsActive && !operation.AllowsSuspended)
        {
            return Boxed(refusals.RefuseAsync(http, ProblemTypes.AgencySuspended, operation.CitizensOf(context.Arguments, http)));
        }

        var cost = operation.CostOf(context.Arguments);
        var admitting = limiter.AdmitAsync(agency.Code, cost, http.RequestAborted);
        return admitting.IsCompletedSuccessfully
            ? AdmittedOrRefused(context, next, agency, operation, cost, admitting.Result)
            : AdmitThenRunAsync(context, next, agency, operation, cost, admitting);
    }

    private async ValueTask<object?> AdmitThenRunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, CallingAgency agency,
        AgencyOperation operation, int cost, ValueTask<(Admission Admission, AllowanceView? View)> admitting) =>
        await AdmittedOrRefused(context, next, agency, operation, cost, await admitting);

    /// <summary>Writes the rate-limit fields, then refuses the request (429) or runs it, through idempotency where it applies.</summary>
    private ValueTask<object?> AdmittedOrRefused(EndpointFilterInvocationContext context, EndpointFilterDelegate next, CallingAgency agency,
        AgencyOperation operation, int cost, (Admission Admission, AllowanceView? View) admitted)
    {
        var http = context.HttpContext;
        RateLimitHeaders.Write(http.Response, admitted.View, time.GetUtcNow());
        if (admitted.Admission.Outcome != AdmissionOutcome.Admitted)
        {
            return Boxed(RateLimitedAsync(http, operation, context.Arguments, agency, admitted.Admission, cost));
        }

        return operation.Idempotent && http.Request.Headers.ContainsKey(Idempotency.Header)
            ? RunIdempotentAsync(context, next, agency, operation)
            : RunAsync(context, next, agency, operation);
    }

    // A method of its own: the closure it makes is then allocated only for requests that carry an Idempotency-Key.
    private ValueTask<object?> RunIdempotentAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, CallingAgency agency, AgencyOperation operation) =>
        idempotency.InvokeAsync(context, agency, operation, () => RunAsync(context, next, agency, operation));

    private static async ValueTask<object?> Boxed(ValueTask<ProblemHttpResult> refusal) => await refusal;

    /// <summary>Runs the endpoint, times it, and audits a refusal it answered without auditing it itself.</summary>
    private async ValueTask<object?> RunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, CallingAgency agency, AgencyOperation operation)
    {
        var http = context.HttpContext;
        var started = Stopwatch.GetTimestamp();
        object? result;
        try
        {
            result = await next(context);
        }
        finally
        {
            instruments.RequestTimed(operation.Name, agency.Code, started);
        }

        var inner = result;
        while (inner is INestedHttpResult nested)
        {
            inner = nested.Result;
        }

        if (inner is ProblemHttpResult { StatusCode: >= 400 and < 500 } problem && !problem.ProblemDetails.Extensions.ContainsKey(ProblemExtensions.AuditId))
        {
            var type = ProblemTypes.ForUri(problem.ProblemDetails.Type) ?? ProblemTypes.ForStatus(problem.StatusCode);
            try
            {
                problem.ProblemDetails.Extensions[ProblemExtensions.AuditId] = await refusals.AuditAsync(http, type, operation.CitizensOf(context.Arguments, http));
            }
            catch (AuditUnavailableException)
            {
                http.Response.Headers.RetryAfter = "1";
                return HubProblems.Of(ProblemTypes.AuditUnavailable);
            }
        }

        return result;
    }

    private async ValueTask<ProblemHttpResult> RateLimitedAsync(
        HttpContext http, AgencyOperation operation, IList<object?> arguments, CallingAgency agency, Admission admission, int cost)
    {
        var limit = LimitName(admission.Limit);
        instruments.RateLimitRefused(agency.Code, limit);
        var retryAfter = Math.Max(1, RateLimitHeaders.Seconds(admission.RetryAfter));
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return await refusals.RefuseAsync(http, ProblemTypes.RateLimited, operation.CitizensOf(arguments, http), Detail(admission.Limit, cost, retryAfter), new()
        {
            ["limit"] = limit,
            ["cost"] = cost,
            ["retryAfterSeconds"] = retryAfter,
        });
    }

    /// <summary>The <c>limit</c> member and metric label: rate, daily or monthly.</summary>
    public static string LimitName(QuotaLimit limit) => limit switch
    {
        QuotaLimit.Daily => "daily",
        QuotaLimit.Monthly => "monthly",
        _ => "rate",
    };

    private static string Detail(QuotaLimit limit, int cost, long retryAfter) => limit switch
    {
        QuotaLimit.Daily => $"The agency's daily quota is used up (this request costs {cost}). It resets at midnight Vietnam time, in {retryAfter} s.",
        QuotaLimit.Monthly => $"The agency's monthly quota is used up (this request costs {cost}). It resets on the first of the month, Vietnam time, in {retryAfter} s.",
        _ => $"The agency is sending faster than its contracted rate (this request costs {cost}). Retry in {retryAfter} s.",
    };
}
