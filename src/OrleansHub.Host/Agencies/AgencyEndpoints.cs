using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Agencies;

/// <summary>What an agency's own key may read about the agency: its agreement as the hub applies it.</summary>
public static class AgencyEndpoints
{
    public static AgencyApiRoutes MapOwnAgreementApi(this AgencyApiRoutes api)
    {
        api.MapGet("/agency", GetOwnAgency)
            // A suspended agency may read its own agreement, and nothing else.
            .AsAgencyOperation("agency", o => o.AllowsSuspended = true)
            .WithTags("Agency API")
            .WithName("GetOwnAgency")
            .WithSummary("Reads the calling agency's own agreement")
            .WithDescription("Authenticated with the agency's key (Authorization: Bearer ohk_...). Answers the fields and purposes the agreement "
                + "allows, whether citizen consent is needed, the status (a suspended agency can read this, and nothing else) and the version.")
            .ProducesProblems(401, 429, 503);
        return api;
    }

    // The scheme already found the policy in this silo's directory; no second lookup.
    private static Ok<AgencyResponse> GetOwnAgency(CallingAgency agency) => TypedResults.Ok(AgencyResponse.From(agency.Policy));
}
