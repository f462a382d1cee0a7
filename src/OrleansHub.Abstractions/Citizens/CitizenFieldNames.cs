namespace OrleansHub.Abstractions.Citizens;

/// <summary>The names of the fields a citizen record holds (Law on Identification 2023, Art. 9), as they appear in JSON.</summary>
public static class CitizenFieldNames
{
    public const string FullName = "fullName";
    public const string OtherNames = "otherNames";
    public const string DateOfBirth = "dateOfBirth";
    public const string Sex = "sex";
    public const string PlaceOfBirth = "placeOfBirth";
    public const string Hometown = "hometown";
    public const string Ethnicity = "ethnicity";
    public const string Religion = "religion";
    public const string Nationality = "nationality";
    public const string BloodType = "bloodType";

    public const string PermanentResidence = "permanentResidence";
    public const string ResidenceProvince = "residenceProvince";
    public const string CurrentResidence = "currentResidence";
    public const string TemporaryResidence = "temporaryResidence";

    public const string MaritalStatus = "maritalStatus";
    public const string FatherId = "fatherId";
    public const string FatherName = "fatherName";
    public const string MotherId = "motherId";
    public const string MotherName = "motherName";
    public const string SpouseId = "spouseId";
    public const string SpouseName = "spouseName";
    public const string LegalRepresentativeId = "legalRepresentativeId";
    public const string LegalRepresentativeName = "legalRepresentativeName";
    public const string HeadOfHouseholdId = "headOfHouseholdId";
    public const string RelationshipToHead = "relationshipToHead";

    public const string DateOfDeath = "dateOfDeath";
    public const string MissingSince = "missingSince";

    public const string EIdLevel = "eIdLevel";
    public const string EIdStatus = "eIdStatus";

    public const string CardNumber = "cardNumber";
    public const string CardIssuedOn = "cardIssuedOn";
    public const string CardExpiresOn = "cardExpiresOn";
    public const string CardIssuedBy = "cardIssuedBy";
    public const string CardStatus = "cardStatus";

    public const string HealthInsuranceNumber = "healthInsuranceNumber";
    public const string SocialInsuranceNumber = "socialInsuranceNumber";
    public const string TaxCode = "taxCode";
    public const string DrivingLicences = "drivingLicences";
    public const string VehicleRegistrations = "vehicleRegistrations";
}
