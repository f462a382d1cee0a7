namespace OrleansHub.Abstractions.Citizens;

/// <summary>Why a write to a citizen record was not applied.</summary>
public enum CitizenWriteFailure
{
    None = 0,
    /// <summary>The write carried an expected version that is no longer current.</summary>
    VersionMismatch,
    /// <summary>The write broke one or more validation rules.</summary>
    Invalid,
}

/// <summary>The outcome of a write: the record as stored now, or why nothing changed.</summary>
[GenerateSerializer, Immutable, Alias("hub.CitizenWriteResult")]
public sealed record CitizenWriteResult(
    [property: Id(0)] CitizenRecord? Record,
    [property: Id(1)] CitizenWriteFailure Failure,
    [property: Id(2)] IReadOnlyList<FieldError> Errors,
    [property: Id(3)] bool Changed)
{
    public static CitizenWriteResult Applied(CitizenRecord record, bool changed) => new(record, CitizenWriteFailure.None, [], changed);

    public static CitizenWriteResult Rejected(IReadOnlyList<FieldError> errors) => new(null, CitizenWriteFailure.Invalid, errors, false);

    public static CitizenWriteResult Stale(CitizenRecord? current) => new(current, CitizenWriteFailure.VersionMismatch, [], false);
}

/// <summary>One broken rule: the field it concerns and a sentence a client developer can act on.</summary>
[GenerateSerializer, Immutable, Alias("hub.FieldError")]
public sealed record FieldError([property: Id(0)] string Field, [property: Id(1)] string Message);
