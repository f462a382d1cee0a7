using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Lookups;
using OrleansHub.Grains.Lookups;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Citizens;
using OrleansHub.Host.Disclosures;
using OrleansHub.Host.Fees;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Lookups;

/// <summary>
/// The agency API's lookups (fields for a stated purpose) and yes/no verification. Each handler checks the request's shape
/// and asks the <see cref="DisclosureService"/>, which decides and audits every citizen's part before the answer is sent;
/// the agency API's pipeline has already applied suspension, quota and idempotency.
/// </summary>
public static class LookupEndpoints
{
    /// <summary>Most citizen IDs one batch lookup may name.</summary>
    public const int MaxBatchSize = 100;

    public static WebApplicationBuilder AddLookups(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DisclosureService>();
        builder.Services.AddSingleton<IReplayCheck>(sp => sp.GetRequiredService<DisclosureService>());
        builder.Services.AddSingleton<FeeMeter>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, LookupJsonContext.Default));
        return builder;
    }

    public static AgencyApiRoutes MapLookupsApi(this AgencyApiRoutes api)
    {
        api.MapPost("/lookups", Lookup)
            .AsAgencyOperation(DisclosureService.Lookup, o =>
            {
                o.Idempotent = true;
                o.NamesCitizens<LookupRequest>(r => [r.CitizenId]);
            })
            .WithTags("Lookups")
            .WithName("LookupCitizen")
            .WithSummary("Reads some fields of one citizen for a stated purpose")
            .WithDescription("Returns only the fields the agency's agreement and, where needed, the citizen's consent allow, each with its source and "
                + "last-updated time, and the record version. Denials name their reason as a problem type; an agency that needs consent is told "
                + "`consent-required` whether or not the citizen exists.")
            .WithRequestExample(new LookupRequest("001090001234", ["fullName", "dateOfBirth"], "tax-registration"))
            .ProducesProblems(400, 401, 402, 403, 404, 413, 415, 429, 503);

        api.MapPost("/lookups/batch", BatchLookup)
            .AsAgencyOperation(DisclosureService.BatchLookup, o =>
            {
                o.Idempotent = true;
                o.CostsPer<BatchLookupRequest>(r => r.CitizenIds.Count is > 0 and <= MaxBatchSize ? r.CitizenIds.Count : 1);
                o.NamesCitizens<BatchLookupRequest>(r => r.CitizenIds.Count <= MaxBatchSize ? r.CitizenIds : []);
            })
            .WithTags("Lookups")
            .WithName("LookupCitizens")
            .WithSummary($"Reads the same fields of up to {MaxBatchSize} citizens")
            .WithDescription("Each citizen is decided and audited on its own; the answer lists one item per ID in request order. A request the agreement "
                + "does not cover (suspended agency, purpose or fields outside the agreement) is refused as a whole.")
            .WithRequestExample(new BatchLookupRequest(["001090001234", "001195004321"], ["fullName", "dateOfBirth"], "tax-registration"))
            .ProducesProblems(400, 401, 402, 403, 413, 415, 429, 503);

        api.MapPost("/verifications", Verify)
            .AsAgencyOperation(DisclosureService.Verification, o =>
            {
                o.Idempotent = true;
                o.NamesCitizens<VerificationRequest>(r => [r.CitizenId]);
            })
            .WithTags("Lookups")
            .WithName("VerifyCitizen")
            .WithSummary("Checks claimed values and predicates against one citizen's record")
            .WithDescription("Claims (field → claimed value) are compared after Unicode normalisation, ignoring case and spacing. Predicates: "
                + "isAlive, minimumAge, holdsValidCard, residesInProvince. The answer is yes/no per item and never carries a stored value.")
            .WithRequestExample(new VerificationRequest("001090001234", "tax-registration",
                new Dictionary<string, string> { ["fullName"] = "Nguyễn Văn An" }, new PredicateRequest(MinimumAge: 18)))
            .ProducesProblems(400, 401, 402, 403, 404, 413, 415, 429, 503);

        return api;
    }

    private static async Task<Results<Ok<LookupResponse>, ProblemHttpResult>> Lookup(
        LookupRequest request, CallingAgency agency, DisclosureService disclosures, HttpContext http)
    {
        var errors = AccessRules.ValidateQuestion(request.Fields, request.Purpose);
        if (!PersonalId.TryParse(request.CitizenId, out var citizen, out var idError))
        {
            errors.Insert(0, new FieldError("citizenId", idError!));
        }

        if (errors.Count > 0)
        {
            disclosures.CountRefused(DisclosureService.Lookup, agency, ProblemTypes.ValidationFailed);
            return HubProblems.Validation(errors);
        }

        var outcome = await disclosures.LookupAsync(agency, citizen!.Value, request.Fields, request.Purpose, http);
        return outcome.Denial is { } denial
            ? Denied(denial, outcome.Outside, outcome.Entry.Id)
            : TypedResults.Ok(Response(citizen.Value, request.Purpose, outcome));
    }

    private static async Task<Results<Ok<BatchLookupResponse>, ProblemHttpResult>> BatchLookup(
        BatchLookupRequest request, CallingAgency agency, DisclosureService disclosures, HttpContext http)
    {
        if (request.CitizenIds.Count > MaxBatchSize)
        {
            disclosures.CountRefused(DisclosureService.BatchLookup, agency, ProblemTypes.BatchTooLarge);
            return HubProblems.Of(ProblemTypes.BatchTooLarge, $"A batch may name at most {MaxBatchSize} citizen IDs; this one names {request.CitizenIds.Count}.");
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

        if (errors.Count > 0)
        {
            disclosures.CountRefused(DisclosureService.BatchLookup, agency, ProblemTypes.ValidationFailed);
            return HubProblems.Validation(errors);
        }

        var outcome = await disclosures.LookupBatchAsync(agency, ids, request.Fields, request.Purpose, http);
        if (outcome.Denial is { } refused)
        {
            return Denied(refused, outcome.Outside, auditId: outcome.Items.Count > 0 ? outcome.Items[0].Entry.Id : null);
        }

        var items = new List<BatchLookupItem>(outcome.Items.Count);
        for (var i = 0; i < outcome.Items.Count; i++)
        {
            var item = outcome.Items[i];
            items.Add(item.Denial is { } denial
                ? new(ids[i].Value, "denied", null, new(denial.Uri, denial.Title, denial.Status), item.Entry.Id)
                : new(ids[i].Value, "allowed", Response(ids[i], request.Purpose, item), null, item.Entry.Id));
        }

        return TypedResults.Ok(new BatchLookupResponse(items));
    }

    private static async Task<Results<Ok<VerificationResponse>, ProblemHttpResult>> Verify(
        VerificationRequest request, CallingAgency agency, DisclosureService disclosures, HttpContext http)
    {
        var claims = request.Claims ?? new Dictionary<string, string>();
        var asked = request.Predicates ?? new PredicateRequest();
        var predicates = new VerificationPredicates(asked.IsAlive, asked.MinimumAge, asked.HoldsValidCard, asked.ResidesInProvince);
        var errors = AccessRules.ValidateQuestion([.. claims.Keys], request.Purpose, "claims", fieldsRequired: false);
        if (!PersonalId.TryParse(request.CitizenId, out var citizen, out var idError))
        {
            errors.Insert(0, new FieldError("citizenId", idError!));
        }

        errors.AddRange(claims.Where(c => c.Value is null).Select(c => new FieldError($"claims.{c.Key}", "The claimed value is missing.")));
        errors.AddRange(ValidatePredicates(asked, claims.Count));
        if (errors.Count > 0)
        {
            disclosures.CountRefused(DisclosureService.Verification, agency, ProblemTypes.ValidationFailed);
            return HubProblems.Validation(errors);
        }

        var outcome = await disclosures.VerifyAsync(agency, citizen!.Value, new VerificationQuestion(claims, predicates), request.Purpose, http);
        return outcome is { Denial: null, Answer: { } answer }
            ? TypedResults.Ok(new VerificationResponse(citizen.Value.Value, answer.Version, answer.Claims, answer.Predicates, outcome.Withheld,
                outcome.Entry.Id, FeeResponse.From(outcome.Entry.Fee)))
            : Denied(outcome.Denial!, outcome.Outside, outcome.Entry.Id);
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

    private static ProblemHttpResult Denied(ProblemType problem, IReadOnlyList<string> outside, Guid? auditId)
    {
        var extensions = new Dictionary<string, object?>();
        if (outside.Count > 0)
        {
            extensions["errors"] = outside.Select(f => new FieldError(f, "Not in this agency's agreement.")).ToArray();
        }

        if (auditId is not null)
        {
            extensions[ProblemExtensions.AuditId] = auditId;
        }

        return HubProblems.Of(problem, extensions: extensions);
    }

    private static LookupResponse Response(PersonalId citizen, string purpose, LookupOutcome outcome)
    {
        // The answer lists its fields in ordinal order. A dictionary filled in that order enumerates (and so serializes) in
        // it, as nothing is removed from it: a handful of sorted names costs less than a SortedDictionary's tree.
        // The audit entry names exactly the disclosed fields; copied by index, with no enumerator.
        var disclosed = outcome.Disclosure!.Fields;
        var names = new string[outcome.Entry.Fields.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = outcome.Entry.Fields[i];
        }

        Array.Sort(names, StringComparer.Ordinal);
        var fields = new Dictionary<string, FieldResponse>(names.Length, StringComparer.Ordinal);
        foreach (var name in names)
        {
            var value = disclosed[name];
            fields.Add(name, new FieldResponse(FieldJson.WriteValue(value.Value), value.Source, value.UpdatedAt));
        }

        return new(citizen.Value, outcome.Disclosure.Version, purpose, fields, outcome.Withheld, outcome.Entry.Id, FeeResponse.From(outcome.Entry.Fee));
    }
}
