using System.Diagnostics;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Events;

/// <summary>A citizen grain's events: saved with the change, relayed to the log before the change is acknowledged, kept and retried when the log fails.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CitizenOutboxTests(ClusterFixture fixture)
{
    private static CitizenWrite Registry(params (string Field, string Value)[] changes) =>
        new(FieldOwnership.Registry, changes.ToDictionary(c => c.Field, c => FieldInput.Of(c.Value)));

    private async Task<(ICitizenGrain Grain, string Id)> RegisteredAsync()
    {
        var id = TestIds.NewCitizen(1961, Sex.Male).Value;
        var grain = fixture.Grains.GetGrain<ICitizenGrain>(id);
        await grain.WriteAsync(Registry((F.FullName, "Đặng Văn Lâm"), (F.DateOfBirth, "1961-02-03"), (F.Sex, "male")));
        return (grain, id);
    }

    [Fact]
    public async Task Changes_AreInTheLogWhenAcknowledged_NumberedPerCitizenInOrder()
    {
        var (grain, id) = await RegisteredAsync();
        Assert.Empty(fixture.Events.Of(id));

        await grain.WriteAsync(Registry((F.CurrentResidence, "Số 3 Lê Lợi, Huế"), (F.ResidenceProvince, "046")));
        await grain.WriteAsync(Registry((F.DateOfDeath, "2026-11-20")));

        var events = fixture.Events.Of(id);
        Assert.Equal(
            [(1L, CitizenEventTypes.ResidenceChanged, 2L), (2L, CitizenEventTypes.DeathRecorded, 3L)],
            events.Select(e => (e.Sequence, e.Type, e.RecordVersion)));
        Assert.Equal([F.CurrentResidence, F.ResidenceProvince], events[0].ChangedFields);
        Assert.Equal([F.DateOfDeath, F.EIdStatus], events[1].ChangedFields);
        Assert.Equal(2, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task ConsentRevoked_OneEventForItsAgency_InTheCitizensSequence_EvenWhenToldTwice()
    {
        var (grain, id) = await RegisteredAsync();
        await grain.WriteAsync(Registry((F.Hometown, "Quảng Trị")));
        var notice = new ConsentNotice(Guid.NewGuid(), "VCB", "kyc-onboarding");

        await grain.OnConsentRevokedAsync(notice, [F.FullName, F.DateOfBirth]);
        await grain.OnConsentRevokedAsync(notice, [F.FullName, F.DateOfBirth]);

        var events = fixture.Events.Of(id);
        Assert.Equal([CitizenEventTypes.RecordChanged, CitizenEventTypes.ConsentRevoked], events.Select(e => e.Type));
        var revoked = events[1];
        Assert.Equal((2L, notice), (revoked.Sequence, revoked.Consent));
        Assert.Equal([F.DateOfBirth, F.FullName], revoked.ChangedFields);
        Assert.Equal(2, (await grain.GetAsync())!.Version); // the record itself did not change
    }

    [Fact]
    public async Task ConsentRevoked_ForACitizenTheRegistryDoesNotHold_ProducesNoEvent()
    {
        var id = TestIds.NewCitizen(1970, Sex.Female).Value;

        await fixture.Grains.GetGrain<ICitizenGrain>(id).OnConsentRevokedAsync(new ConsentNotice(Guid.NewGuid(), "VCB", "kyc-onboarding"), [F.FullName]);

        Assert.Empty(fixture.Events.Of(id));
    }

    [Fact]
    public async Task UnchangedWrite_ProducesNoEvent()
    {
        var (grain, id) = await RegisteredAsync();
        await grain.WriteAsync(Registry((F.Hometown, "Quảng Trị")));

        await grain.WriteAsync(Registry((F.Hometown, "Quảng Trị")));

        Assert.Single(fixture.Events.Of(id));
    }

    [Fact]
    public async Task LogFailing_ChangeIsStillAcknowledged_AndItsEventGoesInBeforeTheNextOne()
    {
        var (grain, id) = await RegisteredAsync();
        fixture.Events.Refuse(id, true);

        var accepted = await grain.WriteAsync(Registry((F.MaritalStatus, "married")));
        Assert.Equal(WriteEffect.Updated, accepted.Effect);
        Assert.Empty(fixture.Events.Of(id));

        fixture.Events.Refuse(id, false);
        await grain.WriteAsync(Registry((F.FullName, "Đặng Văn Lâm Anh")));

        Assert.Equal(
            [(1L, CitizenEventTypes.CivilStatusChanged), (2L, CitizenEventTypes.NameCorrected)],
            fixture.Events.Of(id).Select(e => (e.Sequence, e.Type)));
    }

    [Fact]
    public async Task LogFailing_TheEventIsRelayedByTheRetryWithoutAnotherWrite()
    {
        var (grain, id) = await RegisteredAsync();
        fixture.Events.Refuse(id, true);
        await grain.WriteAsync(Registry((F.TaxCode, "8012345678")));

        fixture.Events.Refuse(id, false);
        var clock = Stopwatch.StartNew();
        while (fixture.Events.Of(id).Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        Assert.Equal([CitizenEventTypes.DocumentChanged], fixture.Events.Of(id).Select(e => e.Type));
    }
}
