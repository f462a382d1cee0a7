using OrleansHub.Abstractions.Consents;
using OrleansHub.Grains.Consents;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Consents;

public sealed class ConsentDecisionsTests
{
    private const string Bank = "VCB";
    private const string Purpose = "account-opening";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private static StoredConsent Consent(
        string[] fields, DateTimeOffset? from = null, DateTimeOffset? until = null, DateTimeOffset? revokedAt = null, string agency = Bank, string purpose = Purpose) =>
        new(Guid.NewGuid(), new ConsentGrant(agency, purpose, "Mở tài khoản", fields, from ?? Now.AddDays(-10), until ?? Now.AddDays(10), 30), Now.AddDays(-10), revokedAt);

    private static ConsentDecision Decide(IEnumerable<StoredConsent> consents, params string[] requested) =>
        ConsentDecisions.Decide(consents, Bank, Purpose, requested, Now);

    [Fact]
    public void StatusAt_EachPhaseOfTheWindow_ReadsPendingActiveExpired()
    {
        var consent = Consent([F.FullName], from: Now, until: Now.AddDays(1));

        Assert.Equal(ConsentStatus.Pending, ConsentDecisions.StatusAt(consent, Now.AddTicks(-1)));
        Assert.Equal(ConsentStatus.Active, ConsentDecisions.StatusAt(consent, Now));
        Assert.Equal(ConsentStatus.Active, ConsentDecisions.StatusAt(consent, Now.AddDays(1).AddTicks(-1)));
        Assert.Equal(ConsentStatus.Expired, ConsentDecisions.StatusAt(consent, Now.AddDays(1)));
    }

    [Fact]
    public void StatusAt_Revoked_StaysRevokedAfterExpiry() =>
        Assert.Equal(ConsentStatus.Revoked, ConsentDecisions.StatusAt(Consent([F.FullName], revokedAt: Now), Now.AddYears(1)));

    [Fact]
    public void Decide_NoConsents_IsNoConsent()
    {
        var decision = Decide([], F.FullName);

        Assert.Equal(ConsentRefusal.NoConsent, decision.Refusal);
        Assert.Empty(decision.AllowedFields);
    }

    [Fact]
    public void Decide_ActiveConsentCoveringAll_AllowsAllInRequestOrder()
    {
        var decision = Decide([Consent([F.FullName, F.DateOfBirth, F.Sex])], F.Sex, F.FullName);

        Assert.Equal(ConsentRefusal.None, decision.Refusal);
        Assert.Equal([F.Sex, F.FullName], decision.AllowedFields);
    }

    [Fact]
    public void Decide_TwoActiveConsents_AllowsTheUnionOfTheirFields()
    {
        var decision = Decide([Consent([F.FullName]), Consent([F.DateOfBirth])], F.DateOfBirth, F.Sex, F.FullName);

        Assert.Equal([F.DateOfBirth, F.FullName], decision.AllowedFields);
        Assert.Equal(ConsentRefusal.None, decision.Refusal);
    }

    [Fact]
    public void Decide_PartialCover_AllowsOnlyCoveredFields()
    {
        var decision = Decide([Consent([F.FullName])], F.FullName, F.TaxCode);

        Assert.Equal([F.FullName], decision.AllowedFields);
        Assert.Equal(ConsentRefusal.None, decision.Refusal);
    }

    [Fact]
    public void Decide_InForceButNoRequestedFieldCovered_AllowsNothingWithoutRefusal()
    {
        var decision = Decide([Consent([F.FullName])], F.TaxCode);

        Assert.Empty(decision.AllowedFields);
        Assert.Equal(ConsentRefusal.None, decision.Refusal);
    }

    [Fact]
    public void Decide_RequestNamesAFieldTwice_AllowsItOnce() =>
        Assert.Equal([F.FullName], Decide([Consent([F.FullName])], F.FullName, F.FullName).AllowedFields);

    [Fact]
    public void Decide_OnlyRevokedConsent_IsNoConsent()
    {
        var decision = Decide([Consent([F.FullName], revokedAt: Now.AddDays(-1))], F.FullName);

        Assert.Equal(ConsentRefusal.NoConsent, decision.Refusal);
        Assert.Empty(decision.AllowedFields);
    }

    [Fact]
    public void Decide_OnlyExpiredConsent_IsExpired() =>
        Assert.Equal(ConsentRefusal.Expired, Decide([Consent([F.FullName], from: Now.AddDays(-20), until: Now.AddDays(-1))], F.FullName).Refusal);

    [Fact]
    public void Decide_ExpiredThenRevokedOther_IsExpired() =>
        Assert.Equal(ConsentRefusal.Expired, Decide([Consent([F.FullName], until: Now.AddDays(-1)), Consent([F.FullName], revokedAt: Now)], F.FullName).Refusal);

    [Fact]
    public void Decide_ExpiredButRevokedBeforeExpiry_IsNoConsent() =>
        Assert.Equal(ConsentRefusal.NoConsent, Decide([Consent([F.FullName], until: Now.AddDays(-1), revokedAt: Now.AddDays(-5))], F.FullName).Refusal);

    [Fact]
    public void Decide_OnlyPendingConsent_IsNoConsent() =>
        Assert.Equal(ConsentRefusal.NoConsent, Decide([Consent([F.FullName], from: Now.AddDays(1), until: Now.AddDays(30))], F.FullName).Refusal);

    [Fact]
    public void Decide_ExpiredAndActive_UsesOnlyTheActiveOnesFields()
    {
        var decision = Decide([Consent([F.FullName, F.TaxCode], until: Now.AddDays(-1)), Consent([F.FullName])], F.FullName, F.TaxCode);

        Assert.Equal(ConsentRefusal.None, decision.Refusal);
        Assert.Equal([F.FullName], decision.AllowedFields);
    }

    [Fact]
    public void Decide_ConsentForAnotherAgencyOrPurpose_DoesNotCount()
    {
        var consents = new[] { Consent([F.FullName], agency: "TCB"), Consent([F.FullName], purpose: "loan-application"), Consent([F.FullName], until: Now.AddDays(-1), agency: "TCB") };

        var decision = Decide(consents, F.FullName);

        Assert.Equal(ConsentRefusal.NoConsent, decision.Refusal);
        Assert.Empty(decision.AllowedFields);
    }
}
