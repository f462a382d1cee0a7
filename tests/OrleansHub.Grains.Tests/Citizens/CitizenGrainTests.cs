using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Citizens;

[Collection(ClusterCollection.Name)]
public sealed class CitizenGrainTests(ClusterFixture fixture)
{
    private ICitizenGrain NewCitizen(out PersonalId id)
    {
        id = TestIds.NewCitizen(1984, Sex.Female);
        return fixture.Grains.GetGrain<ICitizenGrain>(id.Value);
    }

    private static CitizenWrite Registry(params (string Field, string? Value)[] changes) =>
        new(FieldOwnership.Registry, changes.ToDictionary(c => c.Field, c => c.Value is null ? FieldInput.Clear : FieldInput.Of(c.Value)));

    private static CitizenWrite Create(string name = "Lê Thị Mai") =>
        Registry((F.FullName, name), (F.DateOfBirth, "1984-06-01"), (F.Sex, "female"));

    [Fact]
    public async Task Get_UnknownCitizen_ReturnsNull() => Assert.Null(await NewCitizen(out _).GetAsync());

    [Fact]
    public async Task Write_FirstWrite_CreatesVersionOneWithProvenance()
    {
        var grain = NewCitizen(out var id);

        var result = await grain.WriteAsync(Create());

        Assert.Equal(WriteEffect.Created, result.Effect);
        var record = await grain.GetAsync();
        Assert.Equal(id, record!.Id);
        Assert.Equal(1, record.Version);
        Assert.Equal(new FieldValue(FieldInput.Of("Lê Thị Mai"), FieldOwnership.Registry, fixture.Time.GetUtcNow()), record.Fields[F.FullName]);
    }

    [Fact]
    public async Task Write_EveryChange_IncreasesTheVersionAndIsKeptInHistory()
    {
        var grain = NewCitizen(out _);
        await grain.WriteAsync(Create());

        await grain.WriteAsync(Registry((F.FullName, "Lê Thị Mai Anh"), (F.Hometown, "Huế")));

        var history = await grain.GetHistoryAsync(beforeVersion: null, limit: 10);
        Assert.Equal([2L, 1L], history.Entries.Select(e => e.Version));
        Assert.Equal([F.FullName, F.Hometown], history.Entries[0].Fields);
        Assert.Equal(ChangeKind.Created, history.Entries[1].Kind);
        Assert.Null(history.NextBeforeVersion);
    }

    [Fact]
    public async Task Write_SameContentAgain_IsUnchangedWithoutNewVersion()
    {
        var grain = NewCitizen(out _);
        await grain.WriteAsync(Create());

        var result = await grain.WriteAsync(Create());

        Assert.Equal(WriteEffect.Unchanged, result.Effect);
        Assert.Equal(1, result.Record!.Version);
    }

    [Fact]
    public async Task Write_StaleExpectedVersion_ChangesNothing()
    {
        var grain = NewCitizen(out _);
        await grain.WriteAsync(Create());
        await grain.WriteAsync(Registry((F.Hometown, "Huế")) with { ExpectedVersion = 1 });

        var result = await grain.WriteAsync(Registry((F.Hometown, "Đà Nẵng")) with { ExpectedVersion = 1 });

        Assert.Equal(CitizenWriteFailure.VersionMismatch, result.Failure);
        Assert.Equal("Huế", (await grain.GetAsync())!.Text(F.Hometown));
    }

    [Fact]
    public async Task Write_ProviderWritesOwnedField_IsCreditedToProvider()
    {
        var grain = NewCitizen(out _);
        await grain.WriteAsync(Create());

        var result = await grain.WriteAsync(new CitizenWrite(TestSources.SocialSecurity, new Dictionary<string, FieldInput> { [F.HealthInsuranceNumber] = FieldInput.Of("DN4010123456789") }));

        Assert.Equal(WriteEffect.Updated, result.Effect);
        Assert.Equal(TestSources.SocialSecurity, result.Record!.Fields[F.HealthInsuranceNumber].Source);
    }

    [Fact]
    public async Task Write_InvalidRecord_ListsErrorsAndStoresNothing()
    {
        var grain = NewCitizen(out _);

        var result = await grain.WriteAsync(Registry((F.FullName, "Lê Mai"), (F.DateOfBirth, "1985-01-01"), (F.Sex, "female")));

        Assert.Equal(CitizenWriteFailure.Invalid, result.Failure);
        Assert.Equal("id", Assert.Single(result.Errors).Field);
        Assert.Null(await grain.GetAsync());
    }

    [Fact]
    public async Task Import_NewRecord_CreatesItAndSurvivesDeactivation()
    {
        var grain = NewCitizen(out _);

        var result = await grain.ImportAsync(Create() with { CreditOwners = true }, card: null);

        Assert.Equal(WriteEffect.Created, result.Effect);
        Assert.Equal("Lê Thị Mai", (await grain.GetAsync())!.Text(F.FullName));
    }

    [Fact]
    public async Task History_Paging_WalksBackThroughEveryVersion()
    {
        var grain = NewCitizen(out _);
        await grain.WriteAsync(Create());
        foreach (var town in new[] { "Huế", "Vinh", "Đà Lạt", "Cần Thơ" })
        {
            await grain.WriteAsync(Registry((F.Hometown, town)));
        }

        var first = await grain.GetHistoryAsync(null, 2);
        var second = await grain.GetHistoryAsync(first.NextBeforeVersion, 2);
        var third = await grain.GetHistoryAsync(second.NextBeforeVersion, 2);

        Assert.Equal([5L, 4L, 3L, 2L, 1L], first.Entries.Concat(second.Entries).Concat(third.Entries).Select(e => e.Version));
        Assert.Null(third.NextBeforeVersion);
    }

    [Fact]
    public async Task Disclose_HeldAndUnheldFields_ReturnsHeldOnesWithVersion()
    {
        var grain = NewCitizen(out _);
        await grain.WriteAsync(Create());

        var disclosure = await grain.DiscloseAsync([F.FullName, F.TaxCode]);

        Assert.True(disclosure.Found);
        Assert.Equal(1, disclosure.Version);
        Assert.Equal([F.FullName], disclosure.Fields.Keys);
    }

    [Fact]
    public async Task Disclose_UnknownCitizen_IsNotFound() => Assert.False((await NewCitizen(out _).DiscloseAsync([F.FullName])).Found);

    [Fact]
    public async Task Verify_ClaimsAndPredicates_AnswersWithoutValues()
    {
        var grain = NewCitizen(out _);
        await grain.WriteAsync(Create());

        var answer = await grain.VerifyAsync(new(
            new Dictionary<string, string> { [F.FullName] = "lê thị mai", [F.DateOfBirth] = "1984-06-02" },
            new(IsAlive: true, MinimumAge: 18)));

        Assert.True(answer.Found);
        Assert.True(answer.Claims[F.FullName]);
        Assert.False(answer.Claims[F.DateOfBirth]);
        Assert.True(answer.Predicates["isAlive"]);
        Assert.True(answer.Predicates["minimumAge"]);
    }

    [Fact]
    public async Task Verify_UnknownCitizen_IsNotFound() =>
        Assert.False((await NewCitizen(out _).VerifyAsync(new(new Dictionary<string, string>(), new(IsAlive: true)))).Found);
}
