namespace OrleansHub.Abstractions.Citizens;

/// <summary>A stored citizen record: every held field with its provenance, and the version that increases on every accepted change.</summary>
[GenerateSerializer, Immutable, Alias("hub.CitizenRecord")]
public sealed record CitizenRecord(
    [property: Id(0)] PersonalId Id,
    [property: Id(1)] IReadOnlyDictionary<string, FieldValue> Fields,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset UpdatedAt)
{
    /// <summary>The text of a scalar field, or null when the record does not hold it.</summary>
    public string? Text(string field) => Fields.TryGetValue(field, out var value) ? value.Value.Text : null;
}

/// <summary>
/// A change to some fields of one record by one source. Fields not named are left as they are.
/// <see cref="CreditOwners"/> is for the registry's bulk load of existing national data: each field is credited to the
/// source that owns it instead of being refused as someone else's.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.CitizenWrite")]
public sealed record CitizenWrite(
    [property: Id(0)] string Source,
    [property: Id(1)] IReadOnlyDictionary<string, FieldInput> Changes,
    [property: Id(2)] long? ExpectedVersion = null,
    [property: Id(3)] bool CreateOnly = false,
    [property: Id(4)] bool CreditOwners = false);

/// <summary>Why a write was not applied.</summary>
public enum CitizenWriteFailure
{
    None = 0,
    /// <summary>The write named an expected version that is no longer current, or asked to create a record that exists.</summary>
    VersionMismatch,
    /// <summary>The write broke one or more validation rules.</summary>
    Invalid,
    /// <summary>The source does not own one or more of the fields it wrote.</summary>
    NotOwner,
    /// <summary>The write changes fields of a record that does not exist and does not create it.</summary>
    NotFound,
}

/// <summary>The outcome of a write: the record as stored now, or why nothing changed.</summary>
[GenerateSerializer, Immutable, Alias("hub.CitizenWriteResult")]
public sealed record CitizenWriteResult(
    [property: Id(0)] CitizenRecord? Record,
    [property: Id(1)] CitizenWriteFailure Failure,
    [property: Id(2)] IReadOnlyList<FieldError> Errors,
    [property: Id(3)] WriteEffect Effect)
{
    /// <summary>An accepted write; <paramref name="record"/> is the record after it, null where the caller asked for none (an import).</summary>
    public static CitizenWriteResult Applied(CitizenRecord? record, WriteEffect effect) => new(record, CitizenWriteFailure.None, [], effect);

    public static CitizenWriteResult Refused(CitizenWriteFailure failure, IReadOnlyList<FieldError> errors, CitizenRecord? current = null) =>
        new(current, failure, errors, WriteEffect.None);
}

/// <summary>What an accepted write did to the record.</summary>
public enum WriteEffect
{
    None = 0,
    Created,
    Updated,
    /// <summary>Every submitted value equalled the stored one: no new version.</summary>
    Unchanged,
}

/// <summary>One broken rule: the field it concerns and a sentence a client developer can act on. Never echoes the value.</summary>
[GenerateSerializer, Immutable, Alias("hub.FieldError")]
public sealed record FieldError([property: Id(0)] string Field, [property: Id(1)] string Message);

/// <summary>One accepted change, as kept in the record's history.</summary>
[GenerateSerializer, Immutable, Alias("hub.ChangeEntry")]
public sealed record ChangeEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Source,
    [property: Id(3)] ChangeKind Kind,
    [property: Id(4)] IReadOnlyList<string> Fields);

/// <summary>What a change was, so later consumers (feeds, the citizen's log) can tell a death from an address change.</summary>
public enum ChangeKind
{
    Created = 0,
    Updated,
    DeathRecorded,
    CardIssued,
    CardReportedLost,
    CardRevoked,
    CardExpired,
}

/// <summary>A page of a record's history, newest first.</summary>
[GenerateSerializer, Immutable, Alias("hub.HistoryPage")]
public sealed record HistoryPage([property: Id(0)] IReadOnlyList<ChangeEntry> Entries, [property: Id(1)] long? NextBeforeVersion);
