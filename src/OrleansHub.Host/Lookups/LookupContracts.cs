using OrleansHub.Host.Citizens;
using OrleansHub.Host.Fees;

namespace OrleansHub.Host.Lookups;

/// <summary>Asks for some fields of one citizen for one stated purpose.</summary>
public sealed record LookupRequest(string CitizenId, IReadOnlyList<string> Fields, string Purpose);

/// <summary>
/// The fields the agency may see (agreement ∩ consent) that the record holds, each with its source and last-updated time.
/// <c>withheld</c> names requested fields the citizen's consent does not cover. <c>auditId</c> is this disclosure's entry
/// in the audit log (the citizen sees it in their access log). <c>fee</c> is what this answer was charged (one field
/// per field returned; exempt answers show 0 and <c>exempt: true</c>).
/// </summary>
public sealed record LookupResponse(
    string CitizenId,
    long Version,
    string Purpose,
    IReadOnlyDictionary<string, FieldResponse> Fields,
    IReadOnlyList<string> Withheld,
    Guid AuditId,
    FeeResponse? Fee);

/// <summary>Asks for the same fields of several citizens, for one purpose; each citizen is decided (and audited) on its own.</summary>
public sealed record BatchLookupRequest(IReadOnlyList<string> CitizenIds, IReadOnlyList<string> Fields, string Purpose);

/// <summary>One answer per requested ID, in request order.</summary>
public sealed record BatchLookupResponse(IReadOnlyList<BatchLookupItem> Items);

/// <summary>Either <c>result</c> (outcome <c>allowed</c>) or <c>problem</c> (outcome <c>denied</c>, with the denial's problem type).</summary>
public sealed record BatchLookupItem(string CitizenId, string Outcome, LookupResponse? Result, ItemProblem? Problem, Guid AuditId);

/// <summary>Why one item of a batch was denied: the same <c>type</c> a single lookup would have returned.</summary>
public sealed record ItemProblem(string Type, string Title, int Status);

/// <summary>
/// Claimed values to check against the record (field → claimed value) and predicates; the answer says yes or no per
/// item and never carries a stored value.
/// </summary>
public sealed record VerificationRequest(string CitizenId, string Purpose, IReadOnlyDictionary<string, string>? Claims = null, PredicateRequest? Predicates = null);

/// <summary>Predicates to answer: each omitted or false/null one is not asked.</summary>
public sealed record PredicateRequest(bool IsAlive = false, int? MinimumAge = null, bool HoldsValidCard = false, string? ResidesInProvince = null);

/// <summary>
/// Per claim and per asked predicate: true when it holds. <c>withheld</c> names fields the citizen's consent does not
/// cover. <c>fee</c> counts one field per claim and per predicate answered.
/// </summary>
public sealed record VerificationResponse(
    string CitizenId,
    long Version,
    IReadOnlyDictionary<string, bool> Claims,
    IReadOnlyDictionary<string, bool> Predicates,
    IReadOnlyList<string> Withheld,
    Guid AuditId,
    FeeResponse? Fee);
