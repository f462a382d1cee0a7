namespace OrleansHub.Abstractions.Events;

/// <summary>
/// Something that happened to one citizen's record, as the registry accepted it. It names what changed, never the values:
/// what a subscriber may see of the new values is decided when the event is delivered to it.
/// </summary>
/// <param name="Id">Unique; consumers de-duplicate on it (delivery is at least once).</param>
/// <param name="CitizenId">The citizen's 12-digit personal ID.</param>
/// <param name="Sequence">1, 2, 3, ... per citizen, with no gaps: the order a consumer must apply the citizen's events in.</param>
/// <param name="Type">One of <see cref="CitizenEventTypes"/>.</param>
/// <param name="Time">When the registry accepted the change.</param>
/// <param name="RecordVersion">The record's version after the change.</param>
/// <param name="ChangedFields">The fields of this event's kind that changed, in ordinal order (for a revoked consent: the fields it covered).</param>
/// <param name="Consent">Set only on <see cref="CitizenEventTypes.ConsentRevoked"/>: the consent, and the one agency the event goes to.</param>
[GenerateSerializer, Immutable, Alias("hub.CitizenEvent")]
public sealed record CitizenEvent(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string CitizenId,
    [property: Id(2)] long Sequence,
    [property: Id(3)] string Type,
    [property: Id(4)] DateTimeOffset Time,
    [property: Id(5)] long RecordVersion,
    [property: Id(6)] IReadOnlyList<string> ChangedFields,
    [property: Id(7)] ConsentNotice? Consent = null);

/// <summary>Which consent a <see cref="CitizenEventTypes.ConsentRevoked"/> event is about: its ID, the agency it was given to and the purpose.</summary>
[GenerateSerializer, Immutable, Alias("hub.ConsentNotice")]
public sealed record ConsentNotice([property: Id(0)] Guid ConsentId, [property: Id(1)] string AgencyCode, [property: Id(2)] string Purpose);

/// <summary>
/// The event types, as CloudEvents <c>type</c> values: reverse-DNS, with the schema version last, so a changed schema is a
/// new type and consumers of the old one are not broken.
/// </summary>
public static class CitizenEventTypes
{
    private const string Prefix = "vn.orleanshub.citizen.";

    public const string ResidenceChanged = Prefix + "residence-changed.v1";
    public const string CivilStatusChanged = Prefix + "civil-status-changed.v1";
    public const string NameCorrected = Prefix + "name-corrected.v1";
    public const string DeathRecorded = Prefix + "death-recorded.v1";
    public const string CardIssued = Prefix + "card-issued.v1";
    public const string CardReportedLost = Prefix + "card-reported-lost.v1";
    public const string CardRevoked = Prefix + "card-revoked.v1";

    /// <summary>The citizen's current card passed its expiry date (told by the daily expiry sweep, not by a write).</summary>
    public const string CardExpired = Prefix + "card-expired.v1";
    public const string DocumentChanged = Prefix + "document-changed.v1";

    /// <summary>
    /// The citizen revoked a consent. Delivered only to the agency the consent was given to, whether or not it follows the
    /// citizen, so it can stop using and delete what it holds; no one can subscribe to it.
    /// </summary>
    public const string ConsentRevoked = Prefix + "consent-revoked.v1";

    /// <summary>Any other change: its event lists the changed field names.</summary>
    public const string RecordChanged = Prefix + "record-changed.v1";

    /// <summary>The types an agency can subscribe to: all but <see cref="ConsentRevoked"/>, which goes to its agency unasked.</summary>
    public static IReadOnlyList<string> Subscribable { get; } =
        [ResidenceChanged, CivilStatusChanged, NameCorrected, DeathRecorded, CardIssued, CardReportedLost, CardRevoked, CardExpired, DocumentChanged, RecordChanged];

    public static IReadOnlyList<string> All { get; } = [.. Subscribable, ConsentRevoked];
}
