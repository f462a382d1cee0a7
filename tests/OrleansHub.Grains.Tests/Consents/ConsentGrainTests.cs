using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Consents;
using OrleansHub.Grains.Consents;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Consents;

[Collection(ClusterCollection.Name)]
public sealed class ConsentGrainTests(ClusterFixture fixture)
{
    private const string Purpose = "account-opening";

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    // Each test consents to its own agency, so tests that move the shared clock cannot disturb another's consents.
    private static string NewAgency() => $"B{Random.Shared.Next(100_000_000):D8}";

    private IConsentGrain NewCitizen() => fixture.Grains.GetGrain<IConsentGrain>(TestIds.NewCitizen(1990, Sex.Male).Value);

    private ConsentGrant Grant(string agency, string[] fields, TimeSpan? lasts = null, TimeSpan? startsIn = null) =>
        new(agency, Purpose, "Mở tài khoản thanh toán", fields, Now + (startsIn ?? TimeSpan.Zero), Now + (startsIn ?? TimeSpan.Zero) + (lasts ?? TimeSpan.FromDays(365)), 90);

    private async Task<ConsentRecord> GrantAsync(IConsentGrain grain, ConsentGrant grant)
    {
        var result = await grain.GrantAsync(grant);
        Assert.Empty(result.Errors);
        return result.Consent!;
    }

    [Fact]
    public async Task Grant_ValidGrant_IsActiveAndListed()
    {
        var grain = NewCitizen();
        var grant = Grant(NewAgency(), [F.FullName, F.DateOfBirth]);

        var consent = await GrantAsync(grain, grant);

        Assert.Equal(ConsentStatus.Active, consent.Status);
        Assert.Equal(Now, consent.GrantedAt);
        Assert.Null(consent.RevokedAt);
        var listed = Assert.Single(await grain.ListAsync());
        Assert.Equal(consent.Id, listed.Id);
        Assert.Equal(grant.Fields, listed.Grant.Fields);
        Assert.Equal(grant.PurposeText, listed.Grant.PurposeText);
    }

    [Fact]
    public async Task Grant_InvalidGrant_IsRefusedAndNothingStored()
    {
        var grain = NewCitizen();

        var result = await grain.GrantAsync(Grant(NewAgency(), [F.FullName, "nope"]) with { RetentionDays = -1 });

        Assert.Null(result.Consent);
        Assert.Equal(["fields[1]", "retentionDays"], result.Errors.Select(e => e.Field));
        Assert.Empty(await grain.ListAsync());
    }

    [Fact]
    public async Task List_SeveralConsents_NewestFirst()
    {
        var grain = NewCitizen();
        var agency = NewAgency();
        var first = await GrantAsync(grain, Grant(agency, [F.FullName]));
        var second = await GrantAsync(grain, Grant(agency, [F.Sex]));

        Assert.Equal([second.Id, first.Id], (await grain.ListAsync()).Select(c => c.Id));
    }

    [Fact]
    public async Task Evaluate_UnionOfActiveConsents_AllowsRequestedCoveredFields()
    {
        var grain = NewCitizen();
        var agency = NewAgency();
        await GrantAsync(grain, Grant(agency, [F.FullName]));
        await GrantAsync(grain, Grant(agency, [F.DateOfBirth]));

        var decision = await grain.EvaluateAsync(agency, Purpose, [F.DateOfBirth, F.TaxCode, F.FullName]);

        Assert.Equal(ConsentRefusal.None, decision.Refusal);
        Assert.Equal([F.DateOfBirth, F.FullName], decision.AllowedFields);
    }

    [Fact]
    public async Task Evaluate_NeverConsented_IsNoConsent()
    {
        var decision = await NewCitizen().EvaluateAsync(NewAgency(), Purpose, [F.FullName]);

        Assert.Equal(ConsentRefusal.NoConsent, decision.Refusal);
        Assert.Empty(decision.AllowedFields);
    }

    [Fact]
    public async Task Revoke_ActiveConsent_RefusesTheVeryNextEvaluation()
    {
        var grain = NewCitizen();
        var agency = NewAgency();
        var consent = await GrantAsync(grain, Grant(agency, [F.FullName]));
        Assert.Equal([F.FullName], (await grain.EvaluateAsync(agency, Purpose, [F.FullName])).AllowedFields);

        var revoked = await grain.RevokeAsync(consent.Id);
        var decision = await grain.EvaluateAsync(agency, Purpose, [F.FullName]);

        Assert.Equal(ConsentStatus.Revoked, revoked!.Status);
        Assert.Equal(Now, revoked.RevokedAt);
        Assert.Equal(ConsentRefusal.NoConsent, decision.Refusal);
        Assert.Empty(decision.AllowedFields);
    }

    [Fact]
    public async Task Revoke_Twice_KeepsTheFirstRevocationTimeAndTheRecord()
    {
        var grain = NewCitizen();
        var consent = await GrantAsync(grain, Grant(NewAgency(), [F.FullName]));
        var first = await grain.RevokeAsync(consent.Id);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        var second = await grain.RevokeAsync(consent.Id);

        Assert.Equal(first!.RevokedAt, second!.RevokedAt);
        var listed = Assert.Single(await grain.ListAsync());
        Assert.Equal(ConsentStatus.Revoked, listed.Status);
        Assert.Equal(consent.Grant, listed.Grant with { Fields = consent.Grant.Fields });
    }

    [Fact]
    public async Task Revoke_UnknownId_IsNull()
    {
        var grain = NewCitizen();
        await GrantAsync(grain, Grant(NewAgency(), [F.FullName]));

        Assert.Null(await grain.RevokeAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Revoke_OneOfTwo_LeavesTheOthersFieldsAllowed()
    {
        var grain = NewCitizen();
        var agency = NewAgency();
        var name = await GrantAsync(grain, Grant(agency, [F.FullName]));
        await GrantAsync(grain, Grant(agency, [F.DateOfBirth]));

        await grain.RevokeAsync(name.Id);

        Assert.Equal([F.DateOfBirth], (await grain.EvaluateAsync(agency, Purpose, [F.FullName, F.DateOfBirth])).AllowedFields);
    }

    [Fact]
    public async Task Evaluate_AfterValidUntil_IsExpiredAndListedAsExpired()
    {
        var grain = NewCitizen();
        var agency = NewAgency();
        await GrantAsync(grain, Grant(agency, [F.FullName], lasts: TimeSpan.FromHours(1)));

        fixture.Time.Advance(TimeSpan.FromHours(1));
        var decision = await grain.EvaluateAsync(agency, Purpose, [F.FullName]);

        Assert.Equal(ConsentRefusal.Expired, decision.Refusal);
        Assert.Empty(decision.AllowedFields);
        Assert.Equal(ConsentStatus.Expired, Assert.Single(await grain.ListAsync()).Status);
    }

    [Fact]
    public async Task Evaluate_BeforeValidFrom_IsNoConsentUntilTheWindowOpens()
    {
        var grain = NewCitizen();
        var agency = NewAgency();
        var consent = await GrantAsync(grain, Grant(agency, [F.FullName], startsIn: TimeSpan.FromHours(2)));

        Assert.Equal(ConsentStatus.Pending, consent.Status);
        Assert.Equal(ConsentRefusal.NoConsent, (await grain.EvaluateAsync(agency, Purpose, [F.FullName])).Refusal);

        fixture.Time.Advance(TimeSpan.FromHours(2));

        Assert.Equal([F.FullName], (await grain.EvaluateAsync(agency, Purpose, [F.FullName])).AllowedFields);
    }

    [Fact]
    public async Task Evaluate_OtherCitizensConsent_DoesNotCount()
    {
        var agency = NewAgency();
        await GrantAsync(NewCitizen(), Grant(agency, [F.FullName]));

        Assert.Equal(ConsentRefusal.NoConsent, (await NewCitizen().EvaluateAsync(agency, Purpose, [F.FullName])).Refusal);
    }

    [Fact]
    public async Task Grant_BeyondTheCap_IsRefused()
    {
        var grain = NewCitizen();
        var agency = NewAgency();
        for (var i = 0; i < ConsentGrain.MaxConsents; i++)
        {
            await GrantAsync(grain, Grant(agency, [F.FullName]));
        }

        var result = await grain.GrantAsync(Grant(agency, [F.Sex]));

        Assert.Null(result.Consent);
        Assert.Equal("consents", Assert.Single(result.Errors).Field);
        Assert.Equal(ConsentGrain.MaxConsents, (await grain.ListAsync()).Count);
    }
}
