using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Citizens;

/// <summary>The registry operator's API for citizen records.</summary>
public static class CitizenEndpoints
{
    public static IEndpointRouteBuilder MapCitizensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/citizens").WithTags("Citizens").RequireAuthorization(Roles.OperatorPolicy);

        group.MapGet("/{id}", GetCitizen)
            .WithName("GetCitizen")
            .WithSummary("Reads a citizen record")
            .WithDescription("Returns the record and its version as the ETag.");

        group.MapPut("/{id}", PutCitizen)
            .WithName("PutCitizen")
            .WithSummary("Creates or replaces a citizen's identity")
            .WithDescription("Validates every rule and lists every violation. With If-Match the write applies only at that version; a stale one gets 412.");

        return app;
    }

    private static async Task<Results<Ok<CitizenResponse>, ProblemHttpResult>> GetCitizen(string id, IGrainFactory grains, HttpContext http)
    {
        if (!PersonalId.TryParse(id, out var personalId, out var error))
        {
            return HubProblems.Validation("id", error);
        }

        var record = await grains.GetGrain<ICitizenGrain>(personalId.Value.Value).GetAsync();
        if (record is null)
        {
            return HubProblems.Of(ProblemTypes.NotFound, "The registry holds no record for this ID number.");
        }

        http.Response.Headers.ETag = EntityTag.For(record.Version);
        return TypedResults.Ok(CitizenResponse.From(record));
    }

    private static async Task<Results<Ok<CitizenResponse>, Created<CitizenResponse>, ProblemHttpResult>> PutCitizen(
        string id, CitizenIdentityRequest body, IGrainFactory grains, HttpContext http)
    {
        if (!PersonalId.TryParse(id, out var personalId, out var error))
        {
            return HubProblems.Validation("id", error);
        }

        if (!EntityTag.TryReadIfMatch(http.Request, out var expectedVersion))
        {
            return HubProblems.Of(ProblemTypes.MalformedRequest, "If-Match must be one strong entity tag holding a record version, e.g. \"3\".");
        }

        var result = await grains.GetGrain<ICitizenGrain>(personalId.Value.Value).WriteIdentityAsync(body.ToIdentity(), expectedVersion);
        switch (result.Failure)
        {
            case CitizenWriteFailure.Invalid:
                return HubProblems.Validation(result.Errors);
            case CitizenWriteFailure.VersionMismatch:
                return HubProblems.Of(ProblemTypes.VersionMismatch, extensions: new Dictionary<string, object?> { ["currentVersion"] = result.Record?.Version ?? 0 });
        }

        var record = result.Record!;
        http.Response.Headers.ETag = EntityTag.For(record.Version);
        var response = CitizenResponse.From(record);
        return record.Version == 1 && result.Changed
            ? TypedResults.Created($"/admin/citizens/{record.Id}", response)
            : TypedResults.Ok(response);
    }
}
