namespace OrleansHub.Synthetic;

/// <summary>
/// One generated citizen record: the personal ID and the fields of the Law on Identification 2023, Art. 9, in the order of
/// the hub's import contract (<see cref="CitizenFields.JsonKeys"/>). Family links hold IDs of citizens of the same output.
/// </summary>
public sealed record SyntheticCitizen
{
    public required string Id { get; init; }
    public required string FullName { get; init; }
    public string? OtherNames { get; init; }
    public required DateOnly DateOfBirth { get; init; }
    public required Sex Sex { get; init; }

    /// <summary>Province code of birth registration: the first three digits of <see cref="Id"/>.</summary>
    public required string PlaceOfBirth { get; init; }

    public required string Hometown { get; init; }
    public required string Ethnicity { get; init; }
    public required string Religion { get; init; }
    public required string Nationality { get; init; }
    public required string BloodType { get; init; }
    public required string PermanentResidence { get; init; }

    /// <summary>Province code of the permanent residence.</summary>
    public required string ResidenceProvince { get; init; }

    public required string CurrentResidence { get; init; }
    public string? TemporaryResidence { get; init; }
    public required MaritalStatus MaritalStatus { get; init; }
    public string? FatherId { get; init; }
    public string? FatherName { get; init; }
    public string? MotherId { get; init; }
    public string? MotherName { get; init; }
    public string? SpouseId { get; init; }
    public string? SpouseName { get; init; }
    public string? LegalRepresentativeId { get; init; }
    public string? LegalRepresentativeName { get; init; }
    public required string HeadOfHouseholdId { get; init; }
    public required HouseholdRelationship RelationshipToHead { get; init; }
    public DateOnly? DateOfDeath { get; init; }
    public required EIdLevel EIdLevel { get; init; }
    public string? HealthInsuranceNumber { get; init; }
    public string? SocialInsuranceNumber { get; init; }
    public string? TaxCode { get; init; }
    public IReadOnlyList<string> DrivingLicences { get; init; } = [];
    public IReadOnlyList<string> VehicleRegistrations { get; init; } = [];
    public SyntheticCard? Card { get; init; }
}
