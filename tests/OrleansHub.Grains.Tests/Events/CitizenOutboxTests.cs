using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Events;

/// <summary>
/// A citizen grain's events: written with the change that produced them (one write of state, history and events), so
/// they are in the log when the change is acknowledged, and a change whose events the log refuses is not kept at all.
/// </summary>
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
    public async Task LogRefusing_TheChangeIsRefusedWhole_AndTheNextOneKeepsTheSequence()
    {
        var (grain, id) = await RegisteredAsync();
        fixture.Events.Refuse(id, true);

        await Assert.ThrowsAnyAsync<Exception>(() => grain.WriteAsync(Registry((F.MaritalStatus, "married"))));

        // Nothing of the refused change was kept: not the record, not its history, not its event.
        var record = await grain.GetAsync();
        Assert.Equal((1L, null), (record!.Version, record.Text(F.MaritalStatus)));
        Assert.Equal([1L], (await grain.GetHistoryAsync(null, 10)).Entries.Select(e => e.Version));
        Assert.Empty(fixture.Events.Of(id));

        fixture.Events.Refuse(id, false);
        await grain.WriteAsync(Registry((F.MaritalStatus, "married")));
        await grain.WriteAsync(Registry((F.FullName, "Đặng Văn Lâm Anh")));

        Assert.Equal(
            [(1L, CitizenEventTypes.CivilStatusChanged, 2L), (2L, CitizenEventTypes.NameCorrected, 3L)],
            fixture.Events.Of(id).Select(e => (e.Sequence, e.Type, e.RecordVersion)));
    }
}
