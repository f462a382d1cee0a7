using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains;
using OrleansHub.Grains.Citizens;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Citizens;

/// <summary>
/// What a data provider's write answers and leaves behind. A provider is trusted with the fields it owns, not with the
/// register: its answer holds the record version and its own fields only, also when the write changed nothing, so a
/// no-op write is not a way to read the record. Every provider write is accounted for: an accepted change is in the
/// record's history (source, time, fields), and every other outcome (refused, or accepted without a change) is in the
/// audit log with the provider, the time, the fields named and the reason, before the answer leaves; so probing which IDs
/// exist leaves a trace in the log and in the citizen's access log.
/// </summary>
public sealed class ProviderWrites(IAuditLog log, IOptions<FieldOwnership> ownership, [FromKeyedServices(HubClock.Key)] TimeProvider time)
{
    public const string Operation = "provider-write";

    /// <summary>Reason of an accepted write that changed nothing (it has no history entry).</summary>
    public const string Unchanged = "unchanged";

    /// <summary>The answer to a provider: the record's ID and version, and the fields <paramref name="source"/> owns that the record holds.</summary>
    public ProviderWriteResponse Answer(CitizenRecord record, string source) => new(
        record.Id.Value,
        record.Version,
        new SortedDictionary<string, FieldResponse>(
            record.Fields.Where(f => ownership.Value.OwnerOf(f.Key) == source)
                .ToDictionary(f => f.Key, f => new FieldResponse(FieldJson.WriteValue(f.Value.Value), f.Value.Source, f.Value.UpdatedAt)),
            StringComparer.Ordinal));

    /// <summary>
    /// Writes one audit entry for a provider write that left no history entry. Returns null when it is recorded, or the
    /// 503 to answer instead when the log did not take it (then nothing else may be answered).
    /// </summary>
    public async ValueTask<ProblemHttpResult?> RecordAsync(HttpContext http, string source, string? citizenId, IEnumerable<string> fields, AuditOutcome outcome, string reason)
    {
        var now = time.GetUtcNow();
        // Only names of real fields: a member name the provider made up is not written anywhere.
        string[] named = [.. fields.Where(FieldCatalog.Fields.ContainsKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        try
        {
            await log.AppendAsync([new AuditEntry(Guid.CreateVersion7(now), now, source, citizenId, Operation, Purpose: null, named, outcome, reason, Fee: null,
                http.TraceIdentifier)], CancellationToken.None);
            return null;
        }
        catch (AuditUnavailableException)
        {
            http.Response.Headers.RetryAfter = "1";
            return HubProblems.Of(ProblemTypes.AuditUnavailable);
        }
    }

    /// <summary>The slug of a problem answer, e.g. <c>not-found</c>, as the audit's reason.</summary>
    public static string ReasonOf(ProblemHttpResult problem) =>
        problem.ProblemDetails.Type is { } type && type.LastIndexOf('/') is var slash and >= 0 ? type[(slash + 1)..] : "refused";
}

/// <summary>A data provider's answer: the record version (also the ETag) and only the fields the provider owns.</summary>
public sealed record ProviderWriteResponse(string Id, long Version, SortedDictionary<string, FieldResponse> Fields);
