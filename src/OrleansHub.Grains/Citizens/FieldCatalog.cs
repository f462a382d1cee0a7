using System.Collections.Frozen;
using System.Text.RegularExpressions;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Citizens;

/// <summary>How a field's value is shaped and checked.</summary>
public enum FieldKind
{
    /// <summary>A person's name: letters (any diacritics), spaces, apostrophes, hyphens, dots.</summary>
    Name,
    /// <summary>An address or place: letters, digits, spaces and common punctuation.</summary>
    Address,
    /// <summary>An ISO 8601 calendar date.</summary>
    Date,
    /// <summary>One of a fixed set of values, matched exactly.</summary>
    Choice,
    /// <summary>A 12-digit personal ID number of another citizen.</summary>
    PersonalIdRef,
    /// <summary>One of the 63 province codes.</summary>
    Province,
    /// <summary>Text that must match a pattern (document numbers).</summary>
    Pattern,
    /// <summary>A list of texts each matching a pattern.</summary>
    PatternList,
}

/// <summary>One field's rules. <see cref="Internal"/> fields are written only by the hub itself (card events, death).</summary>
public sealed record FieldSpec(string Name, FieldKind Kind, int MaxLength = 0, IReadOnlyList<string>? Choices = null, Regex? Pattern = null,
    string? PatternDescription = null, int MaxItems = 0, bool Internal = false);

/// <summary>Every field a citizen record may hold and how it is checked. The catalogue is law, so it is code; who owns a field is configuration.</summary>
public static partial class FieldCatalog
{
    public const int MaxNameLength = 100;
    public const int MaxAddressLength = 200;

    public static readonly IReadOnlyList<string> Sexes = ["male", "female"];
    public static readonly IReadOnlyList<string> BloodTypes = ["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"];
    public static readonly IReadOnlyList<string> MaritalStatuses = ["single", "married", "divorced", "widowed"];
    public static readonly IReadOnlyList<string> EIdLevels = ["none", "level1", "level2"];
    public static readonly IReadOnlyList<string> EIdStatuses = ["active", "locked"];
    public static readonly IReadOnlyList<string> Relationships = ["head", "spouse", "child", "parent", "sibling", "grandchild", "grandparent", "other"];
    public static readonly IReadOnlyList<string> CardStatuses = ["valid", "lost", "revoked", "expired"];

    public static readonly FrozenDictionary<string, FieldSpec> Fields = new FieldSpec[]
    {
        new(F.FullName, FieldKind.Name, MaxNameLength),
        new(F.OtherNames, FieldKind.Name, MaxNameLength),
        new(F.DateOfBirth, FieldKind.Date),
        new(F.Sex, FieldKind.Choice, Choices: Sexes),
        new(F.PlaceOfBirth, FieldKind.Province),
        new(F.Hometown, FieldKind.Address, MaxAddressLength),
        new(F.Ethnicity, FieldKind.Name, 50),
        new(F.Religion, FieldKind.Name, 50),
        new(F.Nationality, FieldKind.Pattern, Pattern: CountryCode(), PatternDescription: "an ISO 3166 two-letter country code such as VN"),
        new(F.BloodType, FieldKind.Choice, Choices: BloodTypes),
        new(F.PermanentResidence, FieldKind.Address, MaxAddressLength),
        new(F.ResidenceProvince, FieldKind.Province),
        new(F.CurrentResidence, FieldKind.Address, MaxAddressLength),
        new(F.TemporaryResidence, FieldKind.Address, MaxAddressLength),
        new(F.MaritalStatus, FieldKind.Choice, Choices: MaritalStatuses),
        new(F.FatherId, FieldKind.PersonalIdRef),
        new(F.FatherName, FieldKind.Name, MaxNameLength),
        new(F.MotherId, FieldKind.PersonalIdRef),
        new(F.MotherName, FieldKind.Name, MaxNameLength),
        new(F.SpouseId, FieldKind.PersonalIdRef),
        new(F.SpouseName, FieldKind.Name, MaxNameLength),
        new(F.LegalRepresentativeId, FieldKind.PersonalIdRef),
        new(F.LegalRepresentativeName, FieldKind.Name, MaxNameLength),
        new(F.HeadOfHouseholdId, FieldKind.PersonalIdRef),
        new(F.RelationshipToHead, FieldKind.Choice, Choices: Relationships),
        new(F.DateOfDeath, FieldKind.Date),
        new(F.MissingSince, FieldKind.Date),
        new(F.EIdLevel, FieldKind.Choice, Choices: EIdLevels),
        new(F.EIdStatus, FieldKind.Choice, Choices: EIdStatuses, Internal: true),
        new(F.CardNumber, FieldKind.Pattern, Pattern: CardNumberPattern(), PatternDescription: "9 to 12 upper-case letters or digits", Internal: true),
        new(F.CardIssuedOn, FieldKind.Date, Internal: true),
        new(F.CardExpiresOn, FieldKind.Date, Internal: true),
        new(F.CardIssuedBy, FieldKind.Address, MaxAddressLength, Internal: true),
        new(F.CardStatus, FieldKind.Choice, Choices: CardStatuses, Internal: true),
        new(F.HealthInsuranceNumber, FieldKind.Pattern, Pattern: HealthInsurance(), PatternDescription: "2 upper-case letters, a benefit digit 1-5, a 2-digit province and 10 digits"),
        new(F.SocialInsuranceNumber, FieldKind.Pattern, Pattern: TenDigits(), PatternDescription: "10 digits"),
        new(F.TaxCode, FieldKind.Pattern, Pattern: TaxCodePattern(), PatternDescription: "10 digits, optionally followed by -NNN"),
        new(F.DrivingLicences, FieldKind.PatternList, Pattern: TwelveDigits(), PatternDescription: "12 digits", MaxItems: 10),
        new(F.VehicleRegistrations, FieldKind.PatternList, Pattern: Plate(), PatternDescription: "a plate such as 29A-123.45", MaxItems: 20),
    }.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Fields every record must hold.</summary>
    public static readonly IReadOnlyList<string> Required = [F.FullName, F.DateOfBirth, F.Sex];

    /// <summary>Fields whose value is a personal ID of another citizen.</summary>
    public static readonly IReadOnlyList<string> FamilyLinks = [F.FatherId, F.MotherId, F.SpouseId, F.LegalRepresentativeId, F.HeadOfHouseholdId];

    [GeneratedRegex("^[A-Z]{2}\\z")]
    private static partial Regex CountryCode();

    [GeneratedRegex("^[0-9A-Z]{9,12}\\z")]
    private static partial Regex CardNumberPattern();

    [GeneratedRegex("^[A-Z]{2}[1-5][0-9]{12}\\z")]
    private static partial Regex HealthInsurance();

    [GeneratedRegex("^[0-9]{10}\\z")]
    private static partial Regex TenDigits();

    [GeneratedRegex("^[0-9]{10}(-[0-9]{3})?\\z")]
    private static partial Regex TaxCodePattern();

    [GeneratedRegex("^[0-9]{12}\\z")]
    private static partial Regex TwelveDigits();

    [GeneratedRegex("^[0-9]{2}[A-Z]{1,2}[0-9]?-[0-9]{3}\\.[0-9]{2}\\z|^[0-9]{2}[A-Z]{1,2}[0-9]?-[0-9]{4,5}\\z")]
    private static partial Regex Plate();
}
