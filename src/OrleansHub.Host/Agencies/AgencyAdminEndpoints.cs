using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains;
using OrleansHub.Grains.Agencies;
using OrleansHub.Host.Citizens;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Agencies;

/// <summary>The operator's API for agencies: their agreements (versioned) and their API keys (shown once, stored as hashes).</summary>
public static class AgencyAdminEndpoints
{
    private const string BadCode = "An agency code is 2 to 16 upper-case letters or digits, e.g. VCB.";
    private const string NoAgency = "No agency is registered under this code.";

    public static IEndpointRouteBuilder MapAgenciesAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/agencies").WithTags("Agencies").RequireAuthorization(Roles.OperatorPolicy);

        group.MapPut("/{code}", PutAgency)
            .WithName("PutAgency")
            .ReadsHeaders(ApiHeaders.IfMatch).WritesHeaders(ApiHeaders.ETag)
            .WithSummary("Registers an agency or replaces its agreement")
            .WithDescription("Every rule is checked and every violation listed. A changed definition is a new version (the ETag); "
                + "an equal one changes nothing. If-Match: \"<version>\" applies the change only at that version (412 otherwise); "
                + "\"0\" only creates. Suspending (status: suspended) stops the agency's requests on every silo within about a second.");

        group.MapGet("/", ListAgencies)
            .WithName("ListAgencies")
            .WithSummary("Lists every registered agency");

        group.MapGet("/{code}", GetAgency)
            .WithName("GetAgency")
            .WritesHeaders(ApiHeaders.ETag)
            .WithSummary("Reads an agency and its agreement")
            .WithDescription("The policy version is the ETag.");

        group.MapGet("/{code}/history", GetHistory)
            .WithName("GetAgencyHistory")
            .WithSummary("Reads an agency's change history")
            .WithDescription("Newest first: every change to the agreement and every key issued or revoked, with who, when and the version.");

        group.MapPost("/{code}/keys", IssueKey)
            .WithName("IssueAgencyKey")
            .ProducesProblems(409)
            .WithSummary("Issues an API key to the agency")
            .WithDescription("The key is in this response only (Cache-Control: no-store); the hub keeps its SHA-256 hash. "
                + $"An agency holds at most {AgencyGrain.MaxActiveKeys} keys that are not revoked or being revoked.");

        group.MapGet("/{code}/keys", ListKeys)
            .WithName("ListAgencyKeys")
            .WithSummary("Lists the agency's keys, without secrets");

        group.MapGet("/{code}/keys/{keyId}", GetKey)
            .WithName("GetAgencyKey")
            .WithSummary("Reads one of the agency's keys, without its secret");

        group.MapDelete("/{code}/keys/{keyId}", RevokeKey)
            .WithName("RevokeAgencyKey")
            .ProducesProblems(409)
            .WithSummary("Revokes a key")
            .WithDescription("Refused at once on this silo and within about a second on every other. Revoking a revoked key changes nothing.");

        group.MapPost("/{code}/keys/{keyId}/rotate", RotateKey)
            .WithName("RotateAgencyKey")
            .ProducesProblems(409)
            .WithSummary("Issues a new key and revokes this one")
            .WithDescription("graceSeconds (0 to 2592000, default 0) keeps the old key working that long so the agency can switch over. "
                + "The new key is in this response only (Cache-Control: no-store).");

        return app;
    }

    private static async Task<Results<Ok<AgencyResponse>, Created<AgencyResponse>, ProblemHttpResult>> PutAgency(
        string code, AgencyRequest body, IGrainFactory grains, AgencyDirectory directory, HttpContext http)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", BadCode);
        }

        if (!EntityTag.TryReadIfMatch(http.Request, out var expectedVersion))
        {
            return HubProblems.Of(ProblemTypes.MalformedRequest, "If-Match must be one strong entity tag holding an agency version, e.g. \"3\".");
        }

        var result = await grains.GetGrain<IAgencyGrain>(code).RegisterAsync(body.ToDefinition(), expectedVersion, http.WriterSource());
        switch (result.Failure)
        {
            case AgencyFailure.Invalid:
                return HubProblems.Validation(result.Errors);
            case AgencyFailure.VersionMismatch:
                return HubProblems.Of(ProblemTypes.VersionMismatch, extensions: new Dictionary<string, object?> { ["currentVersion"] = result.Policy?.Version ?? 0 });
        }

        await directory.RefreshAsync(code, http.RequestAborted);
        var policy = result.Policy!;
        http.Response.Headers.ETag = EntityTag.For(policy.Version);
        return result.Effect == AgencyChangeKind.Created
            ? TypedResults.Created($"/admin/agencies/{code}", AgencyResponse.From(policy))
            : TypedResults.Ok(AgencyResponse.From(policy));
    }

    private static async Task<Ok<AgencyListResponse>> ListAgencies(IGrainFactory grains)
    {
        // An operator's occasional read: the catalog names the agencies, each grain answers for itself.
        var codes = await grains.GetGrain<IAgencyCatalogGrain>(IAgencyCatalogGrain.Key).ListCodesAsync();
        var policies = await Task.WhenAll(codes.Select(code => grains.GetGrain<IAgencyGrain>(code).GetAsync()));
        return TypedResults.Ok(new AgencyListResponse([.. policies.OfType<AgencyPolicy>().Select(AgencyResponse.From)]));
    }

    private static async Task<Results<Ok<AgencyResponse>, ProblemHttpResult>> GetAgency(string code, IGrainFactory grains, HttpContext http)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", BadCode);
        }

        if (await grains.GetGrain<IAgencyGrain>(code).GetAsync() is not { } policy)
        {
            return HubProblems.Of(ProblemTypes.NotFound, NoAgency);
        }

        http.Response.Headers.ETag = EntityTag.For(policy.Version);
        return TypedResults.Ok(AgencyResponse.From(policy));
    }

    private static async Task<Results<Ok<AgencyHistoryResponse>, ProblemHttpResult>> GetHistory(string code, IGrainFactory grains)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", BadCode);
        }

        var grain = grains.GetGrain<IAgencyGrain>(code);
        if (await grain.GetAsync() is null)
        {
            return HubProblems.Of(ProblemTypes.NotFound, NoAgency);
        }

        var history = await grain.GetHistoryAsync();
        return TypedResults.Ok(new AgencyHistoryResponse([.. history.Select(AgencyChangeResponse.From)]));
    }

    private static async Task<Results<Created<IssuedKeyResponse>, ProblemHttpResult>> IssueKey(
        string code, IGrainFactory grains, AgencyDirectory directory, HttpContext http)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", BadCode);
        }

        var result = await grains.GetGrain<IAgencyGrain>(code).IssueKeyAsync(http.WriterSource());
        if (result.Failure != AgencyFailure.None)
        {
            return Refusal(result);
        }

        await directory.RefreshAsync(code, http.RequestAborted);
        var issued = result.Issued!;
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/admin/agencies/{code}/keys/{issued.Key.KeyId}",
            new IssuedKeyResponse(code, issued.Key.KeyId, issued.Plaintext, issued.Key.IssuedAt, null));
    }

    private static async Task<Results<Ok<AgencyKeyListResponse>, ProblemHttpResult>> ListKeys(
        string code, IGrainFactory grains, [FromKeyedServices(HubClock.Key)] TimeProvider time)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", BadCode);
        }

        var grain = grains.GetGrain<IAgencyGrain>(code);
        if (await grain.GetAsync() is null)
        {
            return HubProblems.Of(ProblemTypes.NotFound, NoAgency);
        }

        var now = time.GetUtcNow();
        var keys = await grain.ListKeysAsync();
        return TypedResults.Ok(new AgencyKeyListResponse([.. keys.Select(k => AgencyKeyResponse.From(k, now))]));
    }

    private static async Task<Results<Ok<AgencyKeyResponse>, ProblemHttpResult>> GetKey(
        string code, string keyId, IGrainFactory grains, [FromKeyedServices(HubClock.Key)] TimeProvider time)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", BadCode);
        }

        var grain = grains.GetGrain<IAgencyGrain>(code);
        if (await grain.GetAsync() is null)
        {
            return HubProblems.Of(ProblemTypes.NotFound, NoAgency);
        }

        var key = (await grain.ListKeysAsync()).FirstOrDefault(k => k.KeyId == keyId);
        return key is null
            ? HubProblems.Of(ProblemTypes.NotFound, "The agency holds no key with this ID.")
            : TypedResults.Ok(AgencyKeyResponse.From(key, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<AgencyKeyResponse>, ProblemHttpResult>> RevokeKey(
        string code, string keyId, IGrainFactory grains, AgencyDirectory directory, [FromKeyedServices(HubClock.Key)] TimeProvider time, HttpContext http)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", BadCode);
        }

        var result = await grains.GetGrain<IAgencyGrain>(code).RevokeKeyAsync(keyId, http.WriterSource());
        if (result.Failure != AgencyFailure.None)
        {
            return Refusal(result);
        }

        // This silo refuses the key before the operator hears it is revoked; the others within a refresh interval.
        await directory.RefreshAsync(code, http.RequestAborted);
        return TypedResults.Ok(AgencyKeyResponse.From(result.Key!, time.GetUtcNow()));
    }

    private static async Task<Results<Created<IssuedKeyResponse>, ProblemHttpResult>> RotateKey(
        string code, string keyId, int? graceSeconds, IGrainFactory grains, AgencyDirectory directory,
        [FromKeyedServices(HubClock.Key)] TimeProvider time, HttpContext http)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", BadCode);
        }

        if (graceSeconds is < 0 || graceSeconds > AgencyRules.MaxRotationGrace.TotalSeconds)
        {
            return HubProblems.Validation("graceSeconds", $"Must be between 0 and {AgencyRules.MaxRotationGrace.TotalSeconds} (30 days).");
        }

        var result = await grains.GetGrain<IAgencyGrain>(code).RotateKeyAsync(keyId, TimeSpan.FromSeconds(graceSeconds ?? 0), http.WriterSource());
        if (result.Failure != AgencyFailure.None)
        {
            return Refusal(result);
        }

        await directory.RefreshAsync(code, http.RequestAborted);
        var issued = result.Issued!;
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/admin/agencies/{code}/keys/{issued.Key.KeyId}",
            new IssuedKeyResponse(code, issued.Key.KeyId, issued.Plaintext, issued.Key.IssuedAt, AgencyKeyResponse.From(result.Key!, time.GetUtcNow())));
    }

    private static ProblemHttpResult Refusal(AgencyKeyResult result) => result.Failure switch
    {
        AgencyFailure.NotFound => HubProblems.Of(ProblemTypes.NotFound, NoAgency),
        AgencyFailure.KeyNotFound => HubProblems.Of(ProblemTypes.NotFound, "The agency holds no key with this ID."),
        AgencyFailure.Invalid => HubProblems.Validation(result.Errors),
        _ => HubProblems.Of(ProblemTypes.Conflict, result.Errors.FirstOrDefault()?.Message),
    };
}
