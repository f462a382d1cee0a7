using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Lookups;
using OrleansHub.Grains.Agencies;
using OrleansHub.Grains.Fees;
using OrleansHub.Grains.Lookups;
using OrleansHub.Host.Agencies;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Citizens;
using OrleansHub.Host.Fees;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Quotas;
using OrleansHub.Host.Security;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Lookups;

/// <summary>
/// The agency API: lookups (fields for a stated purpose) and yes/no verification. Every decision, allowed or denied,
/// is in the audit log before the answer is sent; when the log cannot take it, nothing is sent (503).
/// </summary>
public static class LookupEndpoints
{
    /// <summary>Most citizen IDs one batch lookup may name.</summary>
    public const int MaxBatchSize = 100;

    public static WebApplicationBuilder AddLookups(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AgencyAccess>();
        builder.Services.AddSingleton<AccessAudit>();
        builder.Services.AddSingleton<FeeMeter>();
        return builder;
    }

    public static IEndpointRouteBuilder MapLookupsApi(this IEndpointRouteBuilder app)
    {
        // Timing inside the quota filter: hub.request.duration covers the endpoint's own work, as before the limiter existed.
        var group = app.MapGroup("/v1").WithTags("Lookups").RequireAuthorization(Roles.AgencyPolicy).WithAgencyQuota().WithRequestTiming();

        group.MapPost("/lookups", Lookup)
            .WithName("LookupCitizen")
            .WithSummary("Reads some fields of one citizen for a stated purpose")
            .WithDescription("Returns only the fields the agency's agreement and, where needed, the citizen's consent allow, each with its source and "
                + "last-updated time, and the record version. Denials name their reason as a problem type; an agency that needs consent is told "
                + "`consent-required` whether or not the citizen exists.")
            .WithMetadata(new AuditedOperation(AccessAudit.Lookup), new IdempotentOperation())
            .WithRequestExample(new LookupRequest("001090001234", ["fullName", "dateOfBirth"], "tax-registration"))
            .ProducesProblems(400, 401, 402, 403, 404, 413, 415, 429, 503);

        group.MapPost("/lookups/batch", BatchLookup)
            .WithName("LookupCitizens")
            .WithSummary($"Reads the same fields of up to {MaxBatchSize} citizens")
            .WithDescription("Each citizen is decided and audited on its own; the answer lists one item per ID in request order. A request the agreement "
                + "does not cover (suspended agency, purpose or fields outside the agreement) is refused as a whole.")
            .WithMetadata(new AuditedOperation(AccessAudit.BatchLookup), new IdempotentOperation())
            .WithQuotaCost<BatchLookupRequest>(r => r.CitizenIds.Count is > 0 and <= MaxBatchSize ? r.CitizenIds.Count : 1)
            .WithRequestExample(new BatchLookupRequest(["001090001234", "001195004321"], ["fullName", "dateOfBirth"], "tax-registration"))
            .ProducesProblems(400, 401, 402, 403, 413, 415, 429, 503);

        group.MapPost("/verifications", Verify)
            .WithName("VerifyCitizen")
            .WithSummary("Checks claimed values and predicates against one citizen's record")
            .WithDescription("Claims (field → claimed value) are compared after Unicode normalisation, ignoring case and spacing. Predicates: "
                + "isAlive, minimumAge, holdsValidCard, residesInProvince. The answer is yes/no per item and never carries a stored value.")
            .WithMetadata(new AuditedOperation(AccessAudit.Verification), new IdempotentOperation())
            .WithRequestExample(new VerificationRequest("001090001234", "tax-registration",
                new Dictionary<string, string> { ["fullName"] = "Nguyễn Văn An" }, new PredicateRequest(IsAlive: true, MinimumAge: 18)))
            .ProducesProblems(400, 401, 402, 403, 404, 413, 415, 429, 503);

        return app;
    }

    private static async Task<Results<Ok<LookupResponse>, ProblemHttpResult>> Lookup(
        LookupRequest request, HttpContext http, AgencyDirectory agencies, AgencyAccess access, AccessAudit audit, FeeMeter fees, CreditCapGuard creditCaps, HubInstruments instruments)
    {
        var agency = await http.CallingAgencyAsync(agencies);
        var citizenId = PersonalId.TryParse(request.CitizenId, out var parsed, out var idError) ? parsed.Value : (PersonalId?)null;
        var errors = AccessRules.ValidateQuestion(request.Fields, request.Purpose);
        if (citizenId is null)
        {
            errors.Insert(0, new FieldError("citizenId", idError!));
        }

        if (agency is null || errors.Count > 0)
        {
            return await RefuseAsync<LookupResponse>(http, audit, instruments, agency?.Code, citizenId?.Value, AccessAudit.Lookup, request.Fields, request.Purpose, errors);
        }

        var (denial, outside) = AccessRules.CheckAgreement(agency, request.Purpose, request.Fields);
        var capped = denial == AccessDenial.None && await creditCaps.IsReachedAsync(agency, http.RequestAborted);
        var outcome = denial == AccessDenial.None && !capped ? await access.DiscloseAsync(agency, citizenId!.Value, request.Fields, request.Purpose) : null;
        denial = outcome?.Denial ?? denial;
        var problem = capped ? ProblemTypes.CreditCapReached : denial == AccessDenial.None ? null : AccessAudit.ProblemFor(denial);
        var entry = fees.Priced(
            audit.Entry(http, agency.Code, citizenId!.Value.Value, AccessAudit.Lookup, request.Purpose,
                outcome?.Disclosure is { } disclosed ? [.. disclosed.Fields.Keys] : request.Fields, problem),
            agency, FeeProducts.ApiDisclosure, outcome?.Disclosure?.Fields.Count ?? 0);
        await audit.WriteAsync([entry], CancellationToken.None);
        instruments.AccessDecided(AccessAudit.Lookup, agency.Code, problem?.Slug);

        return problem is null
            ? TypedResults.Ok(Response(citizenId.Value, request.Purpose, outcome!, entry))
            : Denied(problem, outside, entry.Id);
    }

    private static async Task<Results<Ok<BatchLookupResponse>, ProblemHttpResult>> BatchLookup(
        BatchLookupRequest request, HttpContext http, AgencyDirectory agencies, AgencyAccess access, AccessAudit audit, FeeMeter fees, CreditCapGuard creditCaps, HubInstruments instruments)
    {
        var agency = await http.CallingAgencyAsync(agencies);
        if (request.CitizenIds.Count > MaxBatchSize)
        {
            var tooMany = audit.Entry(http, agency?.Code, null, AccessAudit.BatchLookup, request.Purpose, [], ProblemTypes.BatchTooLarge);
            await audit.WriteAsync([tooMany], CancellationToken.None);
            instruments.AccessDecided(AccessAudit.BatchLookup, agency?.Code, ProblemTypes.BatchTooLarge.Slug);
            return HubProblems.Of(ProblemTypes.BatchTooLarge, $"A batch may name at most {MaxBatchSize} citizen IDs; this one names {request.CitizenIds.Count}.",
                new Dictionary<string, object?> { ["auditId"] = tooMany.Id });
        }

        var errors = AccessRules.ValidateQuestion(request.Fields, request.Purpose);
        var ids = new List<PersonalId>(request.CitizenIds.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.CitizenIds.Count; i++)
        {
            if (!PersonalId.TryParse(request.CitizenIds[i], out var id, out var error))
            {
                errors.Add(new($"citizenIds[{i}]", error));
            }
            else if (!seen.Add(id.Value.Value))
            {
                errors.Add(new($"citizenIds[{i}]", "The ID number is named more than once."));
            }
            else
            {
                ids.Add(id.Value);
            }
        }

        if (request.CitizenIds.Count == 0)
        {
            errors.Add(new("citizenIds", "Name at least one citizen ID."));
        }

        if (agency is null || errors.Count > 0)
        {
            return await RefuseAsync<BatchLookupResponse>(http, audit, instruments, agency?.Code, null, AccessAudit.BatchLookup, request.Fields, request.Purpose, errors);
        }

        var (denial, outside) = AccessRules.CheckAgreement(agency, request.Purpose, request.Fields);
        if (denial != AccessDenial.None || await creditCaps.IsReachedAsync(agency, http.RequestAborted))
        {
            var problem = denial == AccessDenial.None ? ProblemTypes.CreditCapReached : AccessAudit.ProblemFor(denial);
            var refused = ids.Select(id => audit.Entry(http, agency.Code, id.Value, AccessAudit.BatchLookup, request.Purpose, request.Fields, problem)).ToList();
            await audit.WriteAsync(refused, CancellationToken.None);
            instruments.AccessDecided(AccessAudit.BatchLookup, agency.Code, problem.Slug);
            instruments.BatchItemsDecided(agency.Code, problem.Slug, refused.Count);
            return Denied(problem, outside, auditId: null);
        }

        var outcomes = await Task.WhenAll(ids.Select(id => access.DiscloseAsync(agency, id, request.Fields, request.Purpose)));
        var entries = new List<AuditEntry>(ids.Count);
        var items = new List<BatchLookupItem>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            var outcome = outcomes[i];
            var problem = outcome.Denial == AccessDenial.None ? null : AccessAudit.ProblemFor(outcome.Denial);
            // Each item is its own answer and its own charge.
            var entry = fees.Priced(
                audit.Entry(http, agency.Code, ids[i].Value, AccessAudit.BatchLookup, request.Purpose,
                    outcome.Disclosure is { } disclosed ? [.. disclosed.Fields.Keys] : request.Fields, problem),
                agency, FeeProducts.ApiDisclosure, outcome.Disclosure?.Fields.Count ?? 0);
            entries.Add(entry);
            items.Add(problem is null
                ? new(ids[i].Value, "allowed", Response(ids[i], request.Purpose, outcome, entry), null, entry.Id)
                : new(ids[i].Value, "denied", null, new(problem.Uri, problem.Title, problem.Status), entry.Id));
        }

        await audit.WriteAsync(entries, CancellationToken.None);
        instruments.AccessDecided(AccessAudit.BatchLookup, agency.Code, refusedAs: null);
        for (var i = 0; i < entries.Count; i++)
        {
            instruments.BatchItemsDecided(agency.Code, entries[i].Reason);
        }

        return TypedResults.Ok(new BatchLookupResponse(items));
    }

    private static async Task<Results<Ok<VerificationResponse>, ProblemHttpResult>> Verify(
        VerificationRequest request, HttpContext http, AgencyDirectory agencies, AgencyAccess access, AccessAudit audit, FeeMeter fees, CreditCapGuard creditCaps, HubInstruments instruments)
    {
        var agency = await http.CallingAgencyAsync(agencies);
        var claims = request.Claims ?? new Dictionary<string, string>();
        var asked = request.Predicates ?? new PredicateRequest();
        var predicates = new VerificationPredicates(asked.IsAlive, asked.MinimumAge, asked.HoldsValidCard, asked.ResidesInProvince);
        var citizenId = PersonalId.TryParse(request.CitizenId, out var parsed, out var idError) ? parsed.Value : (PersonalId?)null;

        var errors = AccessRules.ValidateQuestion([.. claims.Keys], request.Purpose, "claims", fieldsRequired: false);
        if (citizenId is null)
        {
            errors.Insert(0, new FieldError("citizenId", idError!));
        }

        errors.AddRange(claims.Where(c => c.Value is null).Select(c => new FieldError($"claims.{c.Key}", "The claimed value is missing.")));
        errors.AddRange(ValidatePredicates(asked, claims.Count));
        var fields = claims.Keys.Concat(predicates.Fields()).Distinct(StringComparer.Ordinal).ToList();
        if (agency is null || errors.Count > 0)
        {
            return await RefuseAsync<VerificationResponse>(http, audit, instruments, agency?.Code, citizenId?.Value, AccessAudit.Verification, fields, request.Purpose, errors);
        }

        var (denial, outside) = AccessRules.CheckAgreement(agency, request.Purpose, fields);
        var capped = denial == AccessDenial.None && await creditCaps.IsReachedAsync(agency, http.RequestAborted);
        var outcome = denial == AccessDenial.None && !capped
            ? await access.VerifyAsync(agency, citizenId!.Value, new VerificationQuestion(claims, predicates), request.Purpose)
            : null;
        denial = outcome?.Denial ?? denial;
        var problem = capped ? ProblemTypes.CreditCapReached : denial == AccessDenial.None ? null : AccessAudit.ProblemFor(denial);
        // A verification counts one field per claim and per predicate answered (FeePricing).
        var entry = fees.Priced(
            audit.Entry(http, agency.Code, citizenId!.Value.Value, AccessAudit.Verification, request.Purpose,
                [.. fields.Except(outcome?.Withheld ?? [], StringComparer.Ordinal)], problem),
            agency, FeeProducts.Verification, outcome?.Answer is { } answered ? answered.Claims.Count + answered.Predicates.Count : 0);
        await audit.WriteAsync([entry], CancellationToken.None);
        instruments.AccessDecided(AccessAudit.Verification, agency.Code, problem?.Slug);

        return problem is null
            ? TypedResults.Ok(new VerificationResponse(citizenId.Value.Value, outcome!.Answer!.Version, outcome.Answer.Claims, outcome.Answer.Predicates,
                outcome.Withheld, entry.Id, FeeResponse.From(entry.Fee)))
            : Denied(problem, outside, entry.Id);
    }

    private static IEnumerable<FieldError> ValidatePredicates(PredicateRequest asked, int claimCount)
    {
        if (asked.MinimumAge is < 0 or > 150)
        {
            yield return new("predicates.minimumAge", "Must be a whole number of years from 0 to 150.");
        }

        if (asked.ResidesInProvince is { } province && !Provinces.Codes.Contains(province))
        {
            yield return new("predicates.residesInProvince", "Must be a three-digit province code.");
        }

        if (claimCount == 0 && !asked.IsAlive && asked.MinimumAge is null && !asked.HoldsValidCard && asked.ResidesInProvince is null)
        {
            yield return new("claims", "Ask at least one claim or predicate.");
        }
    }

    /// <summary>The calling agency's policy from this silo's cache; null if it vanished since the key was checked.</summary>
    /// <summary>Audits and answers a request that was malformed, or whose agency is no longer known.</summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> RefuseAsync<T>(
        HttpContext http, AccessAudit audit, HubInstruments instruments, string? agencyCode, string? citizenId, string operation, IReadOnlyList<string> fields, string purpose, List<FieldError> errors)
    {
        var type = agencyCode is null ? ProblemTypes.Unauthenticated : ProblemTypes.ValidationFailed;
        // Only well-formed values reach the log: a malformed field list or purpose is recorded as absent.
        var entry = audit.Entry(http, agencyCode, citizenId, operation, errors.Any(e => e.Field == "purpose") ? null : purpose,
            errors.Any(e => e.Field.StartsWith("fields", StringComparison.Ordinal) || e.Field.StartsWith("claims", StringComparison.Ordinal)) ? [] : fields, type);
        await audit.WriteAsync([entry], CancellationToken.None);
        instruments.AccessDecided(operation, agencyCode, type.Slug);
        var extensions = HubProblems.ErrorList(errors);
        extensions["auditId"] = entry.Id;
        return type == ProblemTypes.ValidationFailed
            ? HubProblems.Of(type, $"{errors.Count} validation rule(s) broken.", extensions)
            : HubProblems.Of(type, "The agency of this key is no longer registered.");
    }

    private static ProblemHttpResult Denied(ProblemType problem, IReadOnlyList<string> outside, Guid? auditId)
    {
        var extensions = new Dictionary<string, object?>();
        if (outside.Count > 0)
        {
            extensions["errors"] = outside.Select(f => new { field = f, message = "Not in this agency's agreement." }).ToArray();
        }

        if (auditId is not null)
        {
            extensions["auditId"] = auditId;
        }

        return HubProblems.Of(problem, extensions: extensions);
    }

    private static LookupResponse Response(PersonalId citizen, string purpose, DisclosureOutcome outcome, AuditEntry entry) => new(
        citizen.Value,
        outcome.Disclosure!.Version,
        purpose,
        new SortedDictionary<string, FieldResponse>(
            outcome.Disclosure.Fields.ToDictionary(f => f.Key, f => new FieldResponse(FieldJson.WriteValue(f.Value.Value), f.Value.Source, f.Value.UpdatedAt)),
            StringComparer.Ordinal),
        outcome.Withheld,
        entry.Id,
        FeeResponse.From(entry.Fee));
}
