using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Citizens;

/// <summary>The registry's API for citizen records: the operator reads and writes, data providers write the fields they own.</summary>
public static class CitizenEndpoints
{
    public const int MaxHistoryPage = 100;

    public static IEndpointRouteBuilder MapCitizensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/citizens").WithTags("Citizens");

        group.MapGet("/{id}", GetCitizen)
            .RequireAuthorization(Roles.OperatorPolicy)
            .WithName("GetCitizen")
            .WithSummary("Reads a citizen record")
            .WithDescription("Every held field with its source and last-updated time; the record version is the ETag.");

        group.MapPatch("/{id}", PatchCitizen)
            .RequireAuthorization(Roles.RegistryWriterPolicy)
            .Accepts<Dictionary<string, object?>>("application/json", "application/merge-patch+json")
            .WithName("PatchCitizen")
            .WithSummary("Creates a record or changes some of its fields")
            .WithDescription("Body: { field: value } where value is a string, a list of strings, or null to clear. "
                + "The operator creates records and writes registry fields; a data provider writes only the fields it owns. "
                + "Every rule is checked and every violation listed. If-Match: \"<version>\" applies the write only at that version (412 otherwise); "
                + "If-None-Match: * only creates. Recording dateOfDeath revokes the current card and locks the e-ID account.");

        group.MapGet("/{id}/history", GetHistory)
            .RequireAuthorization(Roles.OperatorPolicy)
            .WithName("GetCitizenHistory")
            .WithSummary("Reads a record's change history")
            .WithDescription($"Newest first: who changed which fields, when, and the version each change produced. Up to {MaxHistoryPage} per page.");

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

    private static async Task<Results<Ok<CitizenResponse>, Created<CitizenResponse>, ProblemHttpResult>> PatchCitizen(
        string id, JsonElement body, IGrainFactory grains, HttpContext http)
    {
        if (!PersonalId.TryParse(id, out var personalId, out var error))
        {
            return HubProblems.Validation("id", error);
        }

        if (!EntityTag.TryReadIfMatch(http.Request, out var expectedVersion))
        {
            return HubProblems.Of(ProblemTypes.MalformedRequest, "If-Match must be one strong entity tag holding a record version, e.g. \"3\".");
        }

        var ifNoneMatch = http.Request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 1 || (ifNoneMatch.Count == 1 && ifNoneMatch[0] != "*"))
        {
            return HubProblems.Of(ProblemTypes.MalformedRequest, "If-None-Match accepts only * (create the record only if it does not exist).");
        }

        var (changes, errors) = FieldJson.ReadChanges(body);
        if (errors.Count > 0)
        {
            return HubProblems.Validation(errors);
        }

        var write = new CitizenWrite(http.WriterSource(), changes, expectedVersion, CreateOnly: ifNoneMatch.Count == 1);
        var result = await grains.GetGrain<ICitizenGrain>(personalId.Value.Value).WriteAsync(write);
        switch (result.Failure)
        {
            case CitizenWriteFailure.Invalid:
                return HubProblems.Validation(result.Errors);
            case CitizenWriteFailure.NotOwner:
                return HubProblems.Of(ProblemTypes.FieldNotOwned, extensions: HubProblems.ErrorList(result.Errors));
            case CitizenWriteFailure.NotFound:
                return HubProblems.Of(ProblemTypes.NotFound, "The registry holds no record for this ID number; only the registry creates records.");
            case CitizenWriteFailure.VersionMismatch:
                return HubProblems.Of(ProblemTypes.VersionMismatch, extensions: new Dictionary<string, object?> { ["currentVersion"] = result.Record?.Version ?? 0 });
        }

        var record = result.Record!;
        http.Response.Headers.ETag = EntityTag.For(record.Version);
        var response = CitizenResponse.From(record);
        return result.Effect == WriteEffect.Created
            ? TypedResults.Created($"/admin/citizens/{record.Id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<HistoryResponse>, ProblemHttpResult>> GetHistory(string id, IGrainFactory grains, long? before, int? limit)
    {
        if (!PersonalId.TryParse(id, out var personalId, out var error))
        {
            return HubProblems.Validation("id", error);
        }

        if (limit is < 1 or > MaxHistoryPage || before is < 1)
        {
            return HubProblems.Validation(limit is < 1 or > MaxHistoryPage ? "limit" : "before",
                limit is < 1 or > MaxHistoryPage ? $"Must be between 1 and {MaxHistoryPage}." : "Must be a version of 1 or more.");
        }

        var grain = grains.GetGrain<ICitizenGrain>(personalId.Value.Value);
        if (await grain.GetAsync() is null)
        {
            return HubProblems.Of(ProblemTypes.NotFound, "The registry holds no record for this ID number.");
        }

        var page = await grain.GetHistoryAsync(before, limit ?? 20);
        return TypedResults.Ok(new HistoryResponse([.. page.Entries.Select(ChangeResponse.From)], page.NextBeforeVersion));
    }
}
