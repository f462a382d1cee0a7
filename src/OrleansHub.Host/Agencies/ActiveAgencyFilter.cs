using OrleansHub.Grains.Agencies;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Agencies;

/// <summary>
/// Refuses a suspended agency (its key still authenticates) with <c>403 agency-suspended</c> on endpoints that do not decide
/// it themselves: a suspended agency may read its own agreement (<c>GET /v1/agency</c>) and nothing else.
/// </summary>
public static class ActiveAgencyFilter
{
    public static TBuilder RequireActiveAgency<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // Read from this silo's directory, not the ticket: a suspension after the key was checked shows here.
            return await http.CallingAgencyAsync(http.RequestServices.GetRequiredService<AgencyDirectory>()) is { IsActive: false }
                ? HubProblems.Of(ProblemTypes.AgencySuspended)
                : await next(context);
        });
}
