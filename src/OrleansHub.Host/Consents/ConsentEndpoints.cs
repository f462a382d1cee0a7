using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Consents;
using OrleansHub.Grains;
using OrleansHub.Grains.Agencies;
using OrleansHub.Grains.Consents;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;
using OrleansHub.Host.Security.Citizens;

namespace OrleansHub.Host.Consents;

/// <summary>
/// A citizen's own consents: list, grant, revoke. The citizen is always the one the e-ID token names, never one named
/// in the request, so no citizen can see or change another's consents.
/// </summary>
public static class ConsentEndpoints
{
    public static IEndpointRouteBuilder MapConsentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/me/consents").WithTags("Consents").RequireAuthorization(Roles.CitizenPolicy);

        group.MapGet("/", ListConsents)
            .WithName("ListMyConsents")
            .WithSummary("Lists the signed-in citizen's consents")
            .WithDescription("Every consent ever given, newest first, each with its status now: active, pending (not started), expired or revoked.")
            .ProducesProblems(401, 503);

        group.MapPost("/", GrantConsent)
            .WithName("GrantConsent")
            .WithSummary("Consents to an agency seeing some fields for one purpose")
            .WithDescription("A consent is immutable: to change one, grant a new one and revoke the old. Every broken rule is listed. "
                + "An agency sees, for a purpose, the union of the fields of the consents in force for that purpose. A consent to an agency that is "
                + "not registered, for a purpose its agreement does not name or to fields it does not list could never be used: "
                + "`422 consent-outside-agreement`, naming each in `errors`.")
            .ProducesProblems(400, 401, 413, 415, 422, 503);

        group.MapGet("/{consentId}", GetConsent)
            .WithName("GetMyConsent")
            .WithSummary("Reads one of the signed-in citizen's consents")
            .ProducesProblems(400, 401, 404, 503);

        group.MapDelete("/{consentId}", RevokeConsent)
            .WithName("RevokeConsent")
            .WithSummary("Revokes a consent")
            .WithDescription("Takes effect for the agency's very next request. The consent stays on record as revoked; revoking it again changes nothing.")
            .ProducesProblems(400, 401, 404, 503);

        return app;
    }

    private static async Task<Ok<ConsentListResponse>> ListConsents(HttpContext http, IGrainFactory grains)
    {
        var consents = await grains.GetGrain<IConsentGrain>(http.CitizenId()).ListAsync();
        return TypedResults.Ok(new ConsentListResponse([.. consents.Select(ConsentResponse.From)]));
    }

    private static async Task<Results<Created<ConsentResponse>, ProblemHttpResult>> GrantConsent(
        GrantConsentRequest body, HttpContext http, IGrainFactory grains, AgencyDirectory agencies, [FromKeyedServices(HubClock.Key)] TimeProvider time)
    {
        var now = time.GetUtcNow();
        var grant = new ConsentGrant(body.AgencyCode, body.Purpose, body.PurposeText, body.Fields, body.ValidFrom ?? now, body.ValidUntil, body.RetentionDays);
        if (ConsentRules.Validate(grant, now) is { Count: > 0 } invalid)
        {
            return HubProblems.Validation(invalid);
        }

        // A consent the agency could never use (agreement ∩ consent is what it sees) is refused, not kept.
        if (ConsentRules.OutsideAgreement(grant, await agencies.FindAsync(grant.AgencyCode, http.RequestAborted)) is { Count: > 0 } outside)
        {
            return HubProblems.Of(ProblemTypes.ConsentOutsideAgreement, $"{outside.Count} part(s) of the consent are outside the agency's agreement.",
                HubProblems.ErrorList(outside));
        }

        var result = await grains.GetGrain<IConsentGrain>(http.CitizenId()).GrantAsync(grant);
        return result.Consent is { } consent
            ? TypedResults.Created($"/me/consents/{consent.Id}", ConsentResponse.From(consent))
            : HubProblems.Validation(result.Errors);
    }

    private static async Task<Results<Ok<ConsentResponse>, ProblemHttpResult>> GetConsent(string consentId, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(consentId, out var id))
        {
            return MalformedId();
        }

        var consents = await grains.GetGrain<IConsentGrain>(http.CitizenId()).ListAsync();
        return consents.FirstOrDefault(c => c.Id == id) is { } consent ? TypedResults.Ok(ConsentResponse.From(consent)) : NotFound();
    }

    private static async Task<Results<Ok<ConsentResponse>, ProblemHttpResult>> RevokeConsent(string consentId, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(consentId, out var id))
        {
            return MalformedId();
        }

        var revoked = await grains.GetGrain<IConsentGrain>(http.CitizenId()).RevokeAsync(id);
        return revoked is null ? NotFound() : TypedResults.Ok(ConsentResponse.From(revoked));
    }

    private static ProblemHttpResult MalformedId() => HubProblems.Validation("consentId", "A consent ID is a UUID, as returned when the consent was granted.");

    // The same answer whether the ID belongs to another citizen or to nobody.
    private static ProblemHttpResult NotFound() => HubProblems.Of(ProblemTypes.NotFound, "You hold no consent with this ID.");
}
