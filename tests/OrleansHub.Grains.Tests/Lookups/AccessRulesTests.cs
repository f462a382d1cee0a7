using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Consents;
using OrleansHub.Grains.Lookups;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Lookups;

public sealed class AccessRulesTests
{
    private static AgencyPolicy Bank(AgencyStatus status = AgencyStatus.Active) => new(
        "VCB",
        new AgencyDefinition("Vietcombank", AgencyKind.Commercial, status, [F.FullName, F.DateOfBirth], ["account-opening"], RequiresConsent: true),
        Version: 3,
        UpdatedAt: DateTimeOffset.UnixEpoch);

    [Fact]
    public void ValidateQuestion_WellFormed_HasNoErrors() =>
        Assert.Empty(AccessRules.ValidateQuestion([F.FullName, F.TaxCode], "account-opening"));

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("Account-Opening")]
    [InlineData("kyc; DROP TABLE audit_log")]
    public void ValidateQuestion_MalformedPurpose_IsAnError(string purpose) =>
        Assert.Equal(["purpose"], AccessRules.ValidateQuestion([F.FullName], purpose).Select(e => e.Field));

    [Fact]
    public void ValidateQuestion_UnknownDuplicateAndMissingFields_AreEachNamed()
    {
        Assert.Equal(["fields[1]", "fields[2]"], AccessRules.ValidateQuestion([F.FullName, "password", F.FullName], "kyc").Select(e => e.Field));
        Assert.Equal(["fields"], AccessRules.ValidateQuestion([], "kyc").Select(e => e.Field));
        Assert.Equal(["fields"], AccessRules.ValidateQuestion([.. Enumerable.Repeat(F.FullName, AccessRules.MaxFields + 1)], "kyc").Select(e => e.Field));
    }

    [Fact]
    public void CheckAgreement_CoveredRequest_IsAllowed() =>
        Assert.Equal(AccessDenial.None, AccessRules.CheckAgreement(Bank(), "account-opening", [F.FullName]).Denial);

    [Fact]
    public void CheckAgreement_SuspendedAgency_IsDeniedBeforeAnythingElse() =>
        Assert.Equal(AccessDenial.AgencySuspended, AccessRules.CheckAgreement(Bank(AgencyStatus.Suspended), "other", [F.TaxCode]).Denial);

    [Fact]
    public void CheckAgreement_PurposeOutsideAgreement_IsDenied() =>
        Assert.Equal(AccessDenial.PurposeNotInAgreement, AccessRules.CheckAgreement(Bank(), "marketing", [F.FullName]).Denial);

    [Fact]
    public void CheckAgreement_FieldsOutsideAgreement_AreNamed()
    {
        var (denial, outside) = AccessRules.CheckAgreement(Bank(), "account-opening", [F.FullName, F.TaxCode, F.PermanentResidence]);

        Assert.Equal(AccessDenial.FieldNotInAgreement, denial);
        Assert.Equal([F.TaxCode, F.PermanentResidence], outside);
    }

    [Fact]
    public void FromConsent_MapsRefusalsAndEmptyCoverage()
    {
        Assert.Equal(AccessDenial.None, AccessRules.FromConsent(new([F.FullName], ConsentRefusal.None)));
        Assert.Equal(AccessDenial.ConsentRequired, AccessRules.FromConsent(new([], ConsentRefusal.NoConsent)));
        Assert.Equal(AccessDenial.ConsentExpired, AccessRules.FromConsent(new([], ConsentRefusal.Expired)));
        Assert.Equal(AccessDenial.ConsentRequired, AccessRules.FromConsent(new([], ConsentRefusal.None)));
    }
}
