using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Abstractions.Lookups;

/// <summary>
/// The fields of one record an agency was allowed to see, each with its provenance, and the record version.
/// Fields the record does not hold are absent. <see cref="Found"/> is false when the registry holds no record.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.Disclosure")]
public sealed record Disclosure(
    [property: Id(0)] bool Found,
    [property: Id(1)] long Version,
    [property: Id(2)] IReadOnlyDictionary<string, FieldValue> Fields)
{
    public static readonly Disclosure NotFound = new(false, 0, new Dictionary<string, FieldValue>());
}

/// <summary>
/// A yes/no question about one record: claimed field values to compare with the stored ones, and predicates that
/// disclose even less than a comparison. Null predicates are not asked.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.VerificationQuestion")]
public sealed record VerificationQuestion(
    [property: Id(0)] IReadOnlyDictionary<string, string> Claims,
    [property: Id(1)] VerificationPredicates Predicates);

/// <summary>Questions answered without sending any stored value.</summary>
[GenerateSerializer, Immutable, Alias("hub.VerificationPredicates")]
public sealed record VerificationPredicates(
    [property: Id(0)] bool IsAlive = false,
    [property: Id(1)] int? MinimumAge = null,
    [property: Id(2)] bool HoldsValidCard = false,
    [property: Id(3)] string? ResidesInProvince = null)
{
    public static readonly VerificationPredicates None = new();

    /// <summary>The record fields each asked predicate reads, which the agency's agreement and consent must cover.</summary>
    public IReadOnlyList<string> Fields()
    {
        var fields = new List<string>(4);
        if (IsAlive)
        {
            fields.Add(CitizenFieldNames.DateOfDeath);
        }

        if (MinimumAge is not null)
        {
            fields.Add(CitizenFieldNames.DateOfBirth);
        }

        if (HoldsValidCard)
        {
            fields.Add(CitizenFieldNames.CardStatus);
        }

        if (ResidesInProvince is not null)
        {
            fields.Add(CitizenFieldNames.ResidenceProvince);
        }

        return fields;
    }
}

/// <summary>Per claim and per asked predicate, whether it holds. Never carries a stored value.</summary>
[GenerateSerializer, Immutable, Alias("hub.VerificationAnswer")]
public sealed record VerificationAnswer(
    [property: Id(0)] bool Found,
    [property: Id(1)] long Version,
    [property: Id(2)] IReadOnlyDictionary<string, bool> Claims,
    [property: Id(3)] IReadOnlyDictionary<string, bool> Predicates)
{
    public static readonly VerificationAnswer NotFound = new(false, 0, new Dictionary<string, bool>(), new Dictionary<string, bool>());
}
