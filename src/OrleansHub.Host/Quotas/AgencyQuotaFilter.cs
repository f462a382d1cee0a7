using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains;
using OrleansHub.Grains.Quotas;
using OrleansHub.Host.Lookups;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Quotas;

/// <summary>
/// Admits an authenticated agency's request against its quota before the endpoint runs (<see cref="QuotaLimiter"/>: no grain
/// call while this silo holds enough units), writes the rate-limit fields on the answer, and refuses with 429
/// <c>rate-limited</c> naming the limit hit, audited (the refusal costs nothing) and counted in <c>hub.ratelimit.refusals</c>.
/// </summary>
public sealed class AgencyQuotaFilter(
    QuotaLimiter limiter,
    AccessAudit audit,
    HubInstruments instruments,
    [FromKeyedServices(HubClock.Key)] TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.FindFirst(HubClaims.Agency)?.Value is not { } agencyCode)
        {
            return await next(context);
        }

        var cost = http.GetEndpoint()?.Metadata.GetMetadata<QuotaCost>()?.Of(context.Arguments) ?? 1;
        var (admission, view) = await limiter.AdmitAsync(agencyCode, cost, http.RequestAborted);
        RateLimitHeaders.Write(http.Response, view, time.GetUtcNow());
        if (admission.Outcome == AdmissionOutcome.Admitted)
        {
            return await next(context);
        }

        var limit = LimitName(admission.Limit);
        instruments.RateLimitRefused(agencyCode, limit);
        var auditId = await audit.RefusedBeforeEndpointAsync(http, ProblemTypes.RateLimited);
        var retryAfter = Math.Max(1, RateLimitHeaders.Seconds(admission.RetryAfter));
        http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return HubProblems.Of(ProblemTypes.RateLimited, Detail(admission.Limit, cost, retryAfter), new Dictionary<string, object?>
        {
            ["limit"] = limit,
            ["cost"] = cost,
            ["retryAfterSeconds"] = retryAfter,
            ["auditId"] = auditId,
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

/// <summary>Endpoint metadata: how many quota units a request costs, read from its bound arguments (default 1).</summary>
public sealed class QuotaCost(Func<IList<object?>, int> cost)
{
    public int Of(IList<object?> arguments) => Math.Max(1, cost(arguments));
}

/// <summary>Puts endpoints under the agencies' quotas.</summary>
public static class QuotaEndpointConventions
{
    /// <summary>Admits every request of an authenticated agency against its quota (<see cref="AgencyQuotaFilter"/>).</summary>
    public static TBuilder WithAgencyQuota<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, AgencyQuotaFilter>();

    /// <summary>Makes a request cost what <paramref name="cost"/> says of its <typeparamref name="TBody"/> body, instead of 1.</summary>
    public static RouteHandlerBuilder WithQuotaCost<TBody>(this RouteHandlerBuilder builder, Func<TBody, int> cost) =>
        builder.WithMetadata(new QuotaCost(arguments => arguments.OfType<TBody>().Select(cost).FirstOrDefault(1)));
}
