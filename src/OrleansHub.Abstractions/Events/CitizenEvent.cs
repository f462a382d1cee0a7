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
/// <param name="ChangedFields">The fields of this event's kind that changed, in ordinal order.</param>
[GenerateSerializer, Immutable, Alias("hub.CitizenEvent")]
public sealed record CitizenEvent(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string CitizenId,
    [property: Id(2)] long Sequence,
    [property: Id(3)] string Type,
    [property: Id(4)] DateTimeOffset Time,
    [property: Id(5)] long RecordVersion,
    [property: Id(6)] IReadOnlyList<string> ChangedFields);

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
    public const string DocumentChanged = Prefix + "document-changed.v1";

    /// <summary>Any other change: its event lists the changed field names.</summary>
    public const string RecordChanged = Prefix + "record-changed.v1";

    public static IReadOnlyList<string> All { get; } =
        [ResidenceChanged, CivilStatusChanged, NameCorrected, DeathRecorded, CardIssued, CardReportedLost, CardRevoked, DocumentChanged, RecordChanged];
}
