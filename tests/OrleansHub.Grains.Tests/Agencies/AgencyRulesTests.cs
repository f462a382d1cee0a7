using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains.Agencies;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Agencies;

public sealed class AgencyRulesTests
{
    private static IReadOnlyList<string> FieldsIn(AgencyDefinition definition) => [.. AgencyRules.Validate(definition).Select(e => e.Field)];

    [Fact]
    public void Validate_ValidStateAndCommercialAgencies_HaveNoErrors()
    {
        Assert.Empty(AgencyRules.Validate(TestAgencies.StateBody()));
        Assert.Empty(AgencyRules.Validate(TestAgencies.Bank()));
    }

    [Theory]
    [InlineData("VCB", true)]
    [InlineData("C08", true)]
    [InlineData("AB", true)]
    [InlineData("ABCDEFGHIJKLMNOP", true)]
    [InlineData("A", false)]
    [InlineData("ABCDEFGHIJKLMNOPQ", false)]
    [InlineData("vcb", false)]
    [InlineData("VC-B", false)]
    [InlineData("VCB\n", false)]
    [InlineData("", false)]
    public void IsCode_Shapes_AreJudged(string code, bool valid) => Assert.Equal(valid, AgencyRules.IsCode(code));

    [Theory]
    [InlineData("")]
    [InlineData("B")]
    [InlineData(" Ngân hàng")]
    [InlineData("Ngân hàng ")]
    [InlineData("Ngân  hàng")]
    [InlineData("Bank <script>")]
    [InlineData("Bank\tTab")]
    public void Validate_BadName_IsReported(string name) =>
        Assert.Contains("name", FieldsIn(TestAgencies.Bank() with { Name = name }));

    [Fact]
    public void Validate_NameOfTwoHundredOneCharacters_IsReported() =>
        Assert.Equal(["name"], FieldsIn(TestAgencies.Bank() with { Name = new string('a', 201) }));

    [Fact]
    public void Validate_VietnameseNameWithPunctuation_IsAccepted() =>
        Assert.Empty(FieldsIn(TestAgencies.Bank() with { Name = "Công ty Cổ phần Viễn thông FPT (FPT Telecom) - Chi nhánh Hà Nội/Đà Nẵng, T&T 'A'." }));

    [Fact]
    public void Validate_UnknownAndDuplicateFields_AreEachReportedByPosition() =>
        Assert.Equal(["fields[1]", "fields[3]"], FieldsIn(TestAgencies.Bank() with { Fields = [F.FullName, "salary", F.Sex, F.FullName] }));

    [Fact]
    public void Validate_NullFieldEntry_IsReportedByPosition() =>
        Assert.Equal(["fields[1]"], FieldsIn(TestAgencies.Bank() with { Fields = [F.FullName, null!] }));

    [Fact]
    public void Validate_EveryCatalogueFieldIncludingHubSetOnes_IsAllowed() =>
        Assert.Empty(FieldsIn(TestAgencies.StateBody() with { Fields = [.. OrleansHub.Grains.Citizens.FieldCatalog.Fields.Keys] }));

    [Theory]
    [InlineData("KYC")]
    [InlineData("k")]
    [InlineData("kyc onboarding")]
    [InlineData("kyc_onboarding")]
    public void Validate_MalformedPurpose_IsReported(string purpose) =>
        Assert.Equal(["purposes[1]"], FieldsIn(TestAgencies.Bank() with { Purposes = ["kyc-refresh", purpose] }));

    [Fact]
    public void Validate_DuplicatePurpose_IsReported() =>
        Assert.Equal(["purposes[1]"], FieldsIn(TestAgencies.Bank() with { Purposes = ["kyc-refresh", "kyc-refresh"] }));

    [Fact]
    public void Validate_NoFieldsAndNoPurposes_AreBothReported() =>
        Assert.Equal(["fields", "purposes"], FieldsIn(TestAgencies.Bank() with { Fields = [], Purposes = [] }));

    [Fact]
    public void Validate_CommercialWithoutConsent_IsReported() =>
        Assert.Equal(["requiresConsent"], FieldsIn(TestAgencies.Bank() with { RequiresConsent = false }));

    [Fact]
    public void Validate_StateBodyAskingForConsent_IsAllowed() =>
        Assert.Empty(FieldsIn(TestAgencies.StateBody() with { RequiresConsent = true }));

    [Fact]
    public void Validate_UndefinedKindAndStatus_AreReported() =>
        Assert.Equal(["kind", "status"], FieldsIn(TestAgencies.StateBody() with { Kind = (AgencyKind)7, Status = (AgencyStatus)9 }));

    [Fact]
    public void Validate_ManyViolations_AreAllListedAtOnce()
    {
        var definition = new AgencyDefinition(" ", AgencyKind.Commercial, AgencyStatus.Active, ["nope", "nope"], ["BAD"], RequiresConsent: false);

        Assert.Equal(["name", "fields[0]", "fields[1]", "purposes[0]", "requiresConsent"], FieldsIn(definition));
    }

    [Fact]
    public void Validate_TooManyPurposes_IsReported() =>
        Assert.Equal(["purposes"], FieldsIn(TestAgencies.Bank() with { Purposes = [.. Enumerable.Range(0, AgencyRules.MaxPurposes + 1).Select(i => $"purpose-{i}")] }));
}
