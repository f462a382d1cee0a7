using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Tests.Citizens;

[Collection(ClusterCollection.Name)]
public sealed class CitizenGrainTests(ClusterFixture fixture)
{
    private static CitizenIdentity Identity(string name = "Lê Thị Mai") => new(name, new DateOnly(1984, 6, 1), Sex.Female);

    private ICitizenGrain NewCitizen(out PersonalId id)
    {
        id = TestIds.NewCitizen(1984, Sex.Female);
        return fixture.Grains.GetGrain<ICitizenGrain>(id.Value);
    }

    [Fact]
    public async Task Get_UnknownCitizen_ReturnsNull() =>
        Assert.Null(await NewCitizen(out _).GetAsync());

    [Fact]
    public async Task WriteIdentity_FirstWrite_CreatesVersionOneStampedByTheClock()
    {
        var grain = NewCitizen(out var id);

        var result = await grain.WriteIdentityAsync(Identity(), expectedVersion: null);

        Assert.Equal(CitizenWriteFailure.None, result.Failure);
        Assert.True(result.Changed);
        Assert.Equal(new CitizenRecord(id, Identity(), 1, fixture.Time.GetUtcNow()), await grain.GetAsync());
    }

    [Fact]
    public async Task WriteIdentity_EveryChange_IncreasesTheVersion()
    {
        var grain = NewCitizen(out _);
        await grain.WriteIdentityAsync(Identity(), null);

        var result = await grain.WriteIdentityAsync(Identity("Lê Thị Mai Anh"), null);

        Assert.Equal(2, result.Record!.Version);
        Assert.Equal("Lê Thị Mai Anh", (await grain.GetAsync())!.Identity.FullName);
    }

    [Fact]
    public async Task WriteIdentity_SameContentAgain_IsNotAChange()
    {
        var grain = NewCitizen(out _);
        await grain.WriteIdentityAsync(Identity(), null);

        var result = await grain.WriteIdentityAsync(Identity(), null);

        Assert.False(result.Changed);
        Assert.Equal(1, result.Record!.Version);
    }

    [Fact]
    public async Task WriteIdentity_StaleExpectedVersion_ChangesNothing()
    {
        var grain = NewCitizen(out _);
        await grain.WriteIdentityAsync(Identity(), null);
        await grain.WriteIdentityAsync(Identity("Lê Thị Mai Anh"), expectedVersion: 1);

        var result = await grain.WriteIdentityAsync(Identity("Lê Mai"), expectedVersion: 1);

        Assert.Equal(CitizenWriteFailure.VersionMismatch, result.Failure);
        Assert.Equal(2, result.Record!.Version);
        Assert.Equal("Lê Thị Mai Anh", (await grain.GetAsync())!.Identity.FullName);
    }

    [Fact]
    public async Task WriteIdentity_InvalidIdentity_ListsErrorsAndStoresNothing()
    {
        var grain = NewCitizen(out _);

        var result = await grain.WriteIdentityAsync(new CitizenIdentity("Lê\u0007Mai", new DateOnly(1985, 1, 1), Sex.Male), null);

        Assert.Equal(CitizenWriteFailure.Invalid, result.Failure);
        Assert.Equal(["fullName", "id"], result.Errors.Select(e => e.Field).Order().ToArray());
        Assert.Null(await grain.GetAsync());
    }
}
