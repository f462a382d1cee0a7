namespace OrleansHub.Host.Problems;

/// <summary>
/// The stable RFC 9457 <c>type</c> of every error the hub returns. Clients branch on these; never rename one.
/// Each resolves (relative to the hub's base address) to a page describing it.
/// </summary>
public static class ProblemTypes
{
    public const string Prefix = "/problems/";

    public static readonly ProblemType ValidationFailed = new("validation-failed", StatusCodes.Status400BadRequest, "The request broke one or more validation rules",
        "Every broken rule is listed in `errors`, each with the field it concerns. Nothing was changed.");

    public static readonly ProblemType MalformedRequest = new("malformed-request", StatusCodes.Status400BadRequest, "The request could not be read",
        "The body is not valid JSON of the expected shape (unknown or missing members, wrong types), or a header or parameter is malformed. Nothing was changed.");

    public static readonly ProblemType Unauthenticated = new("unauthenticated", StatusCodes.Status401Unauthorized, "Credentials are missing or not valid",
        "Send `Authorization: Bearer <key>` with a key that is currently valid for this endpoint.");

    public static readonly ProblemType Forbidden = new("forbidden", StatusCodes.Status403Forbidden, "This credential may not do this",
        "The credential is valid but its role does not allow this operation.");

    public static readonly ProblemType FieldNotOwned = new("field-not-owned", StatusCodes.Status403Forbidden, "The field belongs to another source",
        "Each field has one owning source (the registry, or the agency that issues that document). The fields listed in `errors` are not yours to write. Nothing was changed.");

    public static readonly ProblemType Conflict = new("conflict", StatusCodes.Status409Conflict, "The request conflicts with what the hub holds",
        "For example a card number already issued with other details, or a card that can no longer change state. Nothing was changed.");

    public static readonly ProblemType NotFound = new("not-found", StatusCodes.Status404NotFound, "No such resource",
        "Nothing exists at this address, or the record asked for is not held by the hub.");

    public static readonly ProblemType MethodNotAllowed = new("method-not-allowed", StatusCodes.Status405MethodNotAllowed, "Method not allowed",
        "The resource exists but does not accept this HTTP method.");

    public static readonly ProblemType VersionMismatch = new("version-mismatch", StatusCodes.Status412PreconditionFailed, "The record changed since you read it",
        "`If-Match` named a version that is no longer current. Read the record again, re-apply your change and retry.");

    public static readonly ProblemType PayloadTooLarge = new("payload-too-large", StatusCodes.Status413PayloadTooLarge, "The request body is too large",
        "The body exceeds the limit for this endpoint.");

    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
        "Send the body as `application/json`.");

    public static readonly ProblemType WebhookVerificationFailed = new("webhook-verification-failed", StatusCodes.Status422UnprocessableEntity,
        "The webhook endpoint did not answer the verification challenge",
        "A new webhook URL or secret takes effect only once the endpoint answers the signed challenge (`type` "
        + "`vn.orleanshub.webhook.verification`) with 2xx and `{\"challenge\": \"<the same value>\"}`. `detail` says what went wrong. Nothing was changed.");

    public static readonly ProblemType WebhookDisabled = new("webhook-disabled", StatusCodes.Status409Conflict, "The operator disabled this agency's webhook",
        "Delivery stays stopped and the webhook cannot be changed until the registry operator removes it. Nothing was changed.");

    public static readonly ProblemType Unavailable = new("unavailable", StatusCodes.Status503ServiceUnavailable, "The hub cannot serve this now",
        "A dependency (the cluster or the database) is not answering. Retry later; nothing was changed.");

    // Agency access: each denial reason has its own type so an agency's client can branch on it.
    public static readonly ProblemType AgencySuspended = new("agency-suspended", StatusCodes.Status403Forbidden, "The agency is suspended",
        "The operator has suspended this agency's access. Every request is refused (and audited) until it is reinstated.");

    public static readonly ProblemType FieldNotInAgreement = new("field-not-in-agreement", StatusCodes.Status403Forbidden, "A field is outside the agency's agreement",
        "The fields listed in `errors` are not in this agency's data-sharing agreement. Nothing was disclosed.");

    public static readonly ProblemType PurposeNotInAgreement = new("purpose-not-in-agreement", StatusCodes.Status403Forbidden, "The purpose is outside the agency's agreement",
        "The stated purpose is not one this agency's agreement allows. Nothing was disclosed.");

    public static readonly ProblemType ConsentRequired = new("consent-required", StatusCodes.Status403Forbidden, "The citizen has not consented",
        "This agency needs the citizen's consent for this purpose and these fields, and holds none that is in force. The answer does not say whether the citizen exists.");

    public static readonly ProblemType ConsentExpired = new("consent-expired", StatusCodes.Status403Forbidden, "The citizen's consent has expired",
        "The consent that covered this purpose is past its validity window. Ask the citizen for a new one.");

    public static readonly ProblemType CitizenUnknown = new("citizen-unknown", StatusCodes.Status404NotFound, "No citizen with this ID number",
        "The registry holds no record for this ID number. Only agencies that may see the record without consent are told this.");

    public static readonly ProblemType BatchTooLarge = new("batch-too-large", StatusCodes.Status400BadRequest, "Too many items in one batch",
        "A batch names more items than the documented limit. Split it. Nothing was disclosed.");

    public static readonly ProblemType RateLimited = new("rate-limited", StatusCodes.Status429TooManyRequests, "A contracted limit was reached",
        "`limit` names it: `rate` (requests per second, with its burst), `daily` or `monthly` (days and months in Vietnam time). "
        + "Retry after the `Retry-After` seconds. A refused request is audited but not charged and does not count against the quotas.");

    public static readonly ProblemType AuditUnavailable = new("audit-unavailable", StatusCodes.Status503ServiceUnavailable, "The decision could not be audited",
        "Every answer is written to the audit log before it is sent; the log did not accept this one, so no data was sent. Retry later.");

    // Subscriptions and feeds.
    public static readonly ProblemType PopulationSubscriptionNotAllowed = new("population-subscription-not-allowed", StatusCodes.Status403Forbidden,
        "Only a state body with the mandate may follow the whole population",
        "Population-wide subscriptions are for state agencies that need no consent (for example the pension fund following deaths). Follow individual citizens instead.");

    public static readonly ProblemType TooManyWaitingReads = new("too-many-waiting-reads", StatusCodes.Status429TooManyRequests,
        "The agency holds too many open long-polls and streams",
        "Each agency may keep a limited number of long-polls (feed reads with `wait`) and streams open on one silo at once (`limit` says how many). Close one, or retry after `Retry-After` seconds.");

    public static readonly ProblemType SubscriptionLimitReached = new("subscription-limit-reached", StatusCodes.Status409Conflict,
        "The agency follows as many citizens as it may",
        "Each agency may follow a limited number of citizens (`Hub:Feeds:MaxCitizenSubscriptionsPerAgency`). Stop following some before following more. Nothing was changed.");

    public static readonly ProblemType ConsentOutsideAgreement = new("consent-outside-agreement", StatusCodes.Status422UnprocessableEntity,
        "The consent goes beyond the agency's agreement",
        "An agency only ever sees what its data-sharing agreement and the citizen's consent both cover, so a consent to an agency that is not "
        + "registered, for a purpose its agreement does not name, or to fields it does not list could never be used. `errors` names each "
        + "(the agency's agreement is public: `GET /v1/agency` for the agency, the agency list for the operator). Nothing was recorded.");

    public static readonly ProblemType CursorBeyondEnd = new("cursor-beyond-end", StatusCodes.Status400BadRequest, "The cursor is past the end of the feed",
        "The feed never gave this cursor: it is beyond the newest position the feed has committed (`latestCursor`), so reading from it "
        + "would silently skip every event still to come. Resume from a cursor the feed gave (`next`, an event's `id`), from `latestCursor` "
        + "for only new events, or from `0`.");

    public static readonly ProblemType CursorExpired = new("cursor-expired", StatusCodes.Status410Gone, "The cursor is older than the feed keeps",
        "Events older than the feed's retention were deleted. Resume from `oldestCursor` (and reconcile anything you may have missed with lookups).");
    // Fees.
    public static readonly ProblemType FeeScheduleConflict = new("fee-schedule-conflict", StatusCodes.Status409Conflict, "The schedule does not fit the calendar",
        "Fee schedules tile the calendar: a new one begins tomorrow at the earliest, on a day no other schedule prices, and the day after a bounded schedule ends. `detail` says which rule it broke. Nothing was changed.");

    public static readonly ProblemType FeeScheduleInEffect = new("fee-schedule-in-effect", StatusCodes.Status409Conflict, "The schedule is already in force",
        "A schedule that is (or was) in force never changes, and only the latest schedule may be replaced. Publish a new schedule instead. Nothing was changed.");

    public static readonly ProblemType CreditCapReached = new("credit-cap-reached", StatusCodes.Status402PaymentRequired, "The agency's monthly credit cap is reached",
        "The fees charged to this agency this month have reached the cap the operator set. Chargeable requests are refused (audited, not charged) until the operator raises it or the month ends. Nothing was disclosed.");

    public static readonly ProblemType IdempotencyKeyReused = new("idempotency-key-reused", StatusCodes.Status422UnprocessableEntity, "The idempotency key was used for another request",
        "Within its window an `Idempotency-Key` stands for one request (method, path and body). Use a new key for a new request. Nothing was done.");

    public static readonly ProblemType IdempotencyRequestInFlight = new("idempotency-request-in-flight", StatusCodes.Status409Conflict, "The first request with this key is still being answered",
        "A request with this `Idempotency-Key` is being answered now. Retry after `Retry-After` seconds to receive its answer. Nothing was done.");

    public static readonly ProblemType RequestHeadersTooLarge = new("request-headers-too-large", StatusCodes.Status431RequestHeaderFieldsTooLarge,
        "The request's headers are too large", "The header lines together exceed the hub's limit (`Hub:Limits:MaxRequestHeaderBytes`). Send fewer or shorter headers. Nothing was done.");

    public static readonly ProblemType Internal = new("internal-error", StatusCodes.Status500InternalServerError, "Unexpected error",
        "Something failed that the hub did not expect. It is logged with the trace ID given here.");

    public static readonly IReadOnlyList<ProblemType> All =
    [
        MalformedRequest, ValidationFailed, Unauthenticated, Forbidden, FieldNotOwned, NotFound, MethodNotAllowed, Conflict, VersionMismatch,
        PayloadTooLarge, UnsupportedMediaType, Unavailable, AgencySuspended, FieldNotInAgreement, PurposeNotInAgreement, ConsentRequired,
        ConsentExpired, CitizenUnknown, BatchTooLarge, RateLimited, AuditUnavailable, PopulationSubscriptionNotAllowed, TooManyWaitingReads, SubscriptionLimitReached, CursorExpired, CursorBeyondEnd, ConsentOutsideAgreement, FeeScheduleConflict,
        FeeScheduleInEffect, CreditCapReached, IdempotencyKeyReused, IdempotencyRequestInFlight, Internal,
        RequestHeadersTooLarge, WebhookVerificationFailed, WebhookDisabled,
    ];

    private static readonly System.Collections.Frozen.FrozenDictionary<string, ProblemType> ByUri =
        System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(All, t => t.Uri, StringComparer.Ordinal);

    /// <summary>The type a problem's <c>type</c> URI names, or null for one the hub does not define.</summary>
    public static ProblemType? ForUri(string? uri) => uri is not null && ByUri.TryGetValue(uri, out var type) ? type : null;

    /// <summary>The documented type for a bare status code (used when the framework answers on its own).</summary>
    public static ProblemType ForStatus(int status) => All.FirstOrDefault(t => t.Status == status)
        ?? (status >= 500 ? Internal : MalformedRequest);
}

/// <summary>An error kind: its slug, HTTP status, one-line title and what a client should know.</summary>
public sealed record ProblemType(string Slug, int Status, string Title, string Description)
{
    public string Uri => ProblemTypes.Prefix + Slug;
}
