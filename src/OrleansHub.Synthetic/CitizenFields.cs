namespace OrleansHub.Synthetic;

/// <summary>The keys of an NDJSON line and the columns of a CSV file, in the order they are written.</summary>
public static class CitizenFields
{
    /// <summary>Keys of one NDJSON line; <c>card</c> is an object with <see cref="CardKeys"/> or null.</summary>
    public static readonly IReadOnlyList<string> JsonKeys =
    [
        "id", "fullName", "otherNames", "dateOfBirth", "sex", "placeOfBirth", "hometown", "ethnicity", "religion", "nationality",
        "bloodType", "permanentResidence", "residenceProvince", "currentResidence", "temporaryResidence", "maritalStatus",
        "fatherId", "fatherName", "motherId", "motherName", "spouseId", "spouseName", "legalRepresentativeId",
        "legalRepresentativeName", "headOfHouseholdId", "relationshipToHead", "dateOfDeath", "eIdLevel", "healthInsuranceNumber",
        "socialInsuranceNumber", "taxCode", "drivingLicences", "vehicleRegistrations", "card",
    ];

    /// <summary>Keys of the <c>card</c> object.</summary>
    public static readonly IReadOnlyList<string> CardKeys = ["number", "issuedOn", "expiresOn", "issuedBy"];

    /// <summary>CSV header: the JSON keys with <c>card</c> flattened into four columns.</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
        [.. JsonKeys.Take(JsonKeys.Count - 1), "cardNumber", "cardIssuedOn", "cardExpiresOn", "cardIssuedBy"];

    /// <summary>Separator of list values (driving licences, vehicle registrations) inside one CSV cell.</summary>
    public const char CsvListSeparator = '|';
}
