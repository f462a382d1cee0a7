using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Quotas;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Agencies;

/// <summary>What an agency's own key may read about the agency: its agreement as the hub applies it.</summary>
public static class AgencyEndpoints
{
    public static IEndpointRouteBuilder MapAgencyApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/agency", GetOwnAgency)
            .RequireAuthorization(Roles.AgencyPolicy)
            .WithAgencyQuota()
            .WithTags("Agency API")
            .WithName("GetOwnAgency")
            .WithSummary("Reads the calling agency's own agreement")
            .WithDescription("Authenticated with the agency's key (Authorization: Bearer ohk_...). Answers the fields and purposes the agreement "
                + "allows, whether citizen consent is needed, the status (a suspended agency can read this, and nothing else) and the version.")
            .ProducesProblems(401, 429, 503);
        return app;
    }

    private static Results<Ok<AgencyResponse>, ProblemHttpResult> GetOwnAgency(HttpContext http) =>
        // The scheme already found the policy in this silo's directory; no second lookup.
        http.GetAgencyKeyCheck() is { IsValid: true, Policy: { } policy }
            ? TypedResults.Ok(AgencyResponse.From(policy))
            : HubProblems.Of(ProblemTypes.Unauthenticated);
}
