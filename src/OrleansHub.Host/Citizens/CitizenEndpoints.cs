using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;
using OrleansHub.Host.Hosting;

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
            .WritesHeaders(ApiHeaders.ETag)
            .WithSummary("Reads a citizen record")
            .WithDescription("Every held field with its source and last-updated time; the record version is the ETag.");

        group.MapPatch("/{id}", PatchCitizen)
            .RequireAuthorization(Roles.RegistryWriterPolicy)
            .Accepts<Dictionary<string, object?>>("application/json", "application/merge-patch+json")
            .WithName("PatchCitizen")
            .ReadsHeaders(ApiHeaders.IfMatch, ApiHeaders.IfNoneMatch).WritesHeaders(ApiHeaders.ETag)
            .WithSummary("Creates a record or changes some of its fields")
            .WithDescription("Body: { field: value } where value is a string, a list of strings, or null to clear. "
                + "The operator creates records and writes registry fields; a data provider writes only the fields it owns, and its answer holds "
                + "only the record version (ETag) and the fields it owns, also when nothing changed. A provider's refused or no-op write is in the "
                + "audit log (its accepted changes are in the record's history). "
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

    private static async Task<Results<Ok<CitizenResponse>, Created<CitizenResponse>, Ok<ProviderWriteResponse>, ProblemHttpResult>> PatchCitizen(
        string id, JsonElement body, IGrainFactory grains, HttpContext http, ProviderWrites providers)
    {
        var (problem, result) = await WriteAsync(id, body, grains, http);
        if (!http.User.IsInRole(Roles.Provider))
        {
            // The operator: today's full answer.
            if (problem is not null)
            {
                return problem;
            }

            var written = result!.Record!;
            http.Response.Headers.ETag = EntityTag.For(written.Version);
            var response = CitizenResponse.From(written);
            return result.Effect == WriteEffect.Created
                ? TypedResults.Created($"/admin/citizens/{written.Id}", response)
                : TypedResults.Ok(response);
        }

        // A data provider: refusals and no-op writes go to the audit log (accepted changes are in the record's history), and
        // the answer carries the version and the provider's own fields, never the rest of the record.
        var source = http.WriterSource();
        var citizenId = PersonalId.TryParse(id, out var parsed, out _) ? parsed.Value.Value : null;
        var fields = MemberNames(body);
        if (problem is not null)
        {
            return await providers.RecordAsync(http, source, citizenId, fields, AuditOutcome.Denied, ProviderWrites.ReasonOf(problem)) ?? problem;
        }

        if (result!.Effect == WriteEffect.Unchanged &&
            await providers.RecordAsync(http, source, citizenId, fields, AuditOutcome.Allowed, ProviderWrites.Unchanged) is { } unavailable)
        {
            return unavailable;
        }

        var record = result.Record!;
        http.Response.Headers.ETag = EntityTag.For(record.Version);
        return TypedResults.Ok(providers.Answer(record, source));
    }

    /// <summary>Checks and applies a write: a problem to answer, or the grain's result.</summary>
    private static async Task<(ProblemHttpResult? Problem, CitizenWriteResult? Result)> WriteAsync(
        string id, JsonElement body, IGrainFactory grains, HttpContext http)
    {
        if (!PersonalId.TryParse(id, out var personalId, out var error))
        {
            return (HubProblems.Validation("id", error), null);
        }

        if (!EntityTag.TryReadIfMatch(http.Request, out var expectedVersion))
        {
            return (HubProblems.Of(ProblemTypes.MalformedRequest, "If-Match must be one strong entity tag holding a record version, e.g. \"3\"."), null);
        }

        var ifNoneMatch = http.Request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 1 || (ifNoneMatch.Count == 1 && ifNoneMatch[0] != "*"))
        {
            return (HubProblems.Of(ProblemTypes.MalformedRequest, "If-None-Match accepts only * (create the record only if it does not exist)."), null);
        }

        var (changes, errors) = FieldJson.ReadChanges(body);
        if (errors.Count > 0)
        {
            return (HubProblems.Validation(errors), null);
        }

        var write = new CitizenWrite(http.WriterSource(), changes, expectedVersion, CreateOnly: ifNoneMatch.Count == 1);
        var result = await grains.GetGrain<ICitizenGrain>(personalId.Value.Value).WriteAsync(write);
        ProblemHttpResult? problem = result.Failure switch
        {
            CitizenWriteFailure.Invalid => HubProblems.Validation(result.Errors),
            CitizenWriteFailure.NotOwner => HubProblems.Of(ProblemTypes.FieldNotOwned, extensions: HubProblems.ErrorList(result.Errors)),
            CitizenWriteFailure.NotFound => HubProblems.Of(ProblemTypes.NotFound, "The registry holds no record for this ID number; only the registry creates records."),
            CitizenWriteFailure.VersionMismatch => HubProblems.Of(ProblemTypes.VersionMismatch,
                extensions: new Dictionary<string, object?> { ["currentVersion"] = result.Record?.Version ?? 0 }),
            _ => null,
        };
        return (problem, problem is null ? result : null);
    }

    /// <summary>The body's first 200 member names, for the audit of a provider's write; none when a name is not valid UTF-8.</summary>
    private static IReadOnlyList<string> MemberNames(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        try
        {
            return [.. body.EnumerateObject().Take(200).Select(m => m.Name)];
        }
        catch (InvalidOperationException)
        {
            // A name that cannot be transcoded: the validation answers it as malformed; the audit records no names.
            return [];
        }
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
