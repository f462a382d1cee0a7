using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Cards;

[Collection(ClusterCollection.Name)]
public sealed class CardGrainTests(ClusterFixture fixture)
{
    private const string Authority = "Cục Cảnh sát quản lý hành chính về trật tự xã hội";

    private static string NewCardNumber() => $"CC{Random.Shared.NextInt64(10_000_000_000):D10}";

    private async Task<(PersonalId Id, ICitizenGrain Grain)> NewCitizenAsync()
    {
        var id = TestIds.NewCitizen(1984, Sex.Female);
        var grain = fixture.Grains.GetGrain<ICitizenGrain>(id.Value);
        await grain.WriteAsync(new CitizenWrite(FieldOwnership.Registry, new Dictionary<string, FieldInput>
        {
            [F.FullName] = FieldInput.Of("Lê Thị Mai"),
            [F.DateOfBirth] = FieldInput.Of("1984-06-01"),
            [F.Sex] = FieldInput.Of("female"),
        }));
        return (id, grain);
    }

    private (string Number, ICardGrain Grain) NewCard()
    {
        var number = NewCardNumber();
        return (number, fixture.Grains.GetGrain<ICardGrain>(number));
    }

    private static CardIssue Issue(PersonalId id, DateOnly? expires = null) => new(id, new DateOnly(2021, 6, 1), expires ?? new DateOnly(2044, 6, 1), Authority);

    [Fact]
    public async Task Check_NeverIssued_IsUnknown() => Assert.Equal(CardStatus.Unknown, (await NewCard().Grain.CheckAsync()).Status);

    [Fact]
    public async Task Issue_ToKnownCitizen_IsValidAndShownOnTheRecord()
    {
        var (id, citizen) = await NewCitizenAsync();
        var (number, card) = NewCard();

        var result = await card.IssueAsync(Issue(id));

        Assert.True(result.Changed);
        Assert.Equal(CardStatus.Valid, (await card.CheckAsync()).Status);
        var record = await citizen.GetAsync();
        Assert.Equal(number, record!.Text(F.CardNumber));
        Assert.Equal("valid", record.Text(F.CardStatus));
    }

    [Fact]
    public async Task Issue_RecordsTheCardForTheExpirySweep()
    {
        var (id, _) = await NewCitizenAsync();
        var (number, card) = NewCard();

        await card.IssueAsync(Issue(id, new DateOnly(2030, 1, 31)));

        Assert.Equal(new DateOnly(2030, 1, 31), fixture.CardExpiries.Of(number)?.ExpiresOn);
    }

    [Fact]
    public async Task CardExpired_ValidCurrentCard_MarksTheRecordAndRaisesCardExpired_OnceOnly()
    {
        var (id, citizen) = await NewCitizenAsync();
        var (number, card) = NewCard();
        await card.IssueAsync(Issue(id));

        await citizen.OnCardStatusChangedAsync(number, CardStatus.Expired);
        await citizen.OnCardStatusChangedAsync(number, CardStatus.Expired);

        Assert.Equal("expired", (await citizen.GetAsync())!.Text(F.CardStatus));
        var expired = Assert.Single(fixture.Events.Of(id.Value), e => e.Type == Abstractions.Events.CitizenEventTypes.CardExpired);
        Assert.Contains(F.CardStatus, expired.ChangedFields);
    }

    [Fact]
    public async Task CardExpired_LostOrOlderCard_ChangesNothing()
    {
        var (id, citizen) = await NewCitizenAsync();
        var (lost, lostCard) = NewCard();
        await lostCard.IssueAsync(Issue(id));
        await lostCard.ReportLostAsync();
        var version = (await citizen.GetAsync())!.Version;

        await citizen.OnCardStatusChangedAsync(lost, CardStatus.Expired);
        await citizen.OnCardStatusChangedAsync(NewCardNumber(), CardStatus.Expired);

        Assert.Equal("lost", (await citizen.GetAsync())!.Text(F.CardStatus));
        Assert.Equal(version, (await citizen.GetAsync())!.Version);
    }

    [Fact]
    public async Task Issue_SameDetailsAgain_ChangesNothing()
    {
        var (id, citizen) = await NewCitizenAsync();
        var (_, card) = NewCard();
        await card.IssueAsync(Issue(id));
        var version = (await citizen.GetAsync())!.Version;

        var again = await card.IssueAsync(Issue(id));

        Assert.False(again.Changed);
        Assert.Equal(version, (await citizen.GetAsync())!.Version);
    }

    [Fact]
    public async Task Issue_SameNumberToAnotherCitizen_IsConflict()
    {
        var (first, _) = await NewCitizenAsync();
        var (second, _) = await NewCitizenAsync();
        var (_, card) = NewCard();
        await card.IssueAsync(Issue(first));

        Assert.Equal(CardFailure.Conflict, (await card.IssueAsync(Issue(second))).Failure);
    }

    [Fact]
    public async Task Issue_NewCard_SupersedesThePreviousOne()
    {
        var (id, citizen) = await NewCitizenAsync();
        var (_, oldCard) = NewCard();
        var (newNumber, newCard) = NewCard();
        await oldCard.IssueAsync(Issue(id));

        await newCard.IssueAsync(Issue(id) with { IssuedOn = new DateOnly(2025, 1, 1) });

        var old = await oldCard.CheckAsync();
        Assert.Equal((CardStatus.Revoked, RevocationReason.Superseded), (old.Status, old.Reason));
        Assert.Equal(CardStatus.Valid, (await newCard.CheckAsync()).Status);
        Assert.Equal(newNumber, (await citizen.GetAsync())!.Text(F.CardNumber));
    }

    [Fact]
    public async Task Issue_ToUnknownCitizen_IsRefused()
    {
        var (_, card) = NewCard();

        Assert.Equal(CardFailure.CitizenNotFound, (await card.IssueAsync(Issue(TestIds.NewCitizen(1984, Sex.Female)))).Failure);
        Assert.Equal(CardStatus.Unknown, (await card.CheckAsync()).Status);
    }

    [Fact]
    public async Task Issue_BeforeFourteenthBirthday_IsInvalid()
    {
        var (id, _) = await NewCitizenAsync();

        var result = await NewCard().Grain.IssueAsync(Issue(id) with { IssuedOn = new DateOnly(1990, 1, 1) });

        Assert.Equal(CardFailure.Invalid, result.Failure);
    }

    [Fact]
    public async Task ReportLost_ValidCard_IsLostOnCardAndRecord()
    {
        var (id, citizen) = await NewCitizenAsync();
        var (_, card) = NewCard();
        await card.IssueAsync(Issue(id));

        await card.ReportLostAsync();

        Assert.Equal(CardStatus.Lost, (await card.CheckAsync()).Status);
        var record = await citizen.GetAsync();
        Assert.Equal("lost", record!.Text(F.CardStatus));
        Assert.Equal(ChangeKind.CardReportedLost, (await citizen.GetHistoryAsync(null, 1)).Entries[0].Kind);
    }

    [Fact]
    public async Task Revoke_ValidCard_IsRevokedAndLocksTheEId()
    {
        var (id, citizen) = await NewCitizenAsync();
        var (_, card) = NewCard();
        await card.IssueAsync(Issue(id));

        await card.RevokeAsync(RevocationReason.Administrative);

        Assert.Equal(CardStatus.Revoked, (await card.CheckAsync()).Status);
        Assert.Equal("locked", (await citizen.GetAsync())!.Text(F.EIdStatus));
        Assert.Equal(CardFailure.NotActive, (await card.ReportLostAsync()).Failure);
    }

    [Fact]
    public async Task Check_PastExpiryDate_IsExpired()
    {
        var (id, citizen) = await NewCitizenAsync();
        var (_, card) = NewCard();
        var today = DateOnly.FromDateTime(fixture.Time.GetUtcNow().UtcDateTime);
        await card.IssueAsync(Issue(id, expires: today.AddDays(1)));
        Assert.Equal(CardStatus.Valid, (await card.CheckAsync()).Status);

        fixture.Time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(CardStatus.Expired, (await card.CheckAsync()).Status);
        Assert.Equal("expired", (await citizen.GetAsync())!.Text(F.CardStatus));
    }

    [Fact]
    public async Task RecordingDeath_RevokesTheCardAndRefusesNewCards()
    {
        var (id, citizen) = await NewCitizenAsync();
        var (_, card) = NewCard();
        await card.IssueAsync(Issue(id));

        var death = await citizen.WriteAsync(new CitizenWrite(FieldOwnership.Registry, new Dictionary<string, FieldInput> { [F.DateOfDeath] = FieldInput.Of("2025-05-05") }));

        Assert.Equal(ChangeKind.DeathRecorded, (await citizen.GetHistoryAsync(null, 1)).Entries[0].Kind);
        Assert.Equal("revoked", death.Record!.Text(F.CardStatus));
        var check = await card.CheckAsync();
        Assert.Equal((CardStatus.Revoked, RevocationReason.Death), (check.Status, check.Reason));
        Assert.Equal(CardFailure.CitizenDeceased, (await NewCard().Grain.IssueAsync(Issue(id))).Failure);
    }

    [Fact]
    public async Task Import_CitizenWithCard_RecordsBothInOneVersionAndRerunChangesNothing()
    {
        var id = TestIds.NewCitizen(1984, Sex.Female);
        var citizen = fixture.Grains.GetGrain<ICitizenGrain>(id.Value);
        var (number, card) = NewCard();
        var summary = new CardSummary(number, id, new DateOnly(2021, 6, 1), new DateOnly(2044, 6, 1), Authority);
        var write = new CitizenWrite(FieldOwnership.Registry, new Dictionary<string, FieldInput>
        {
            [F.FullName] = FieldInput.Of("Lê Thị Mai"),
            [F.DateOfBirth] = FieldInput.Of("1984-06-01"),
            [F.Sex] = FieldInput.Of("female"),
        }, CreditOwners: true);

        var first = await citizen.ImportAsync(write, summary);
        var again = await citizen.ImportAsync(write, summary);

        var record = await citizen.GetAsync();
        Assert.Equal((WriteEffect.Created, WriteEffect.Unchanged, 1L), (first.Effect, again.Effect, record!.Version));
        Assert.Equal(number, record.Text(F.CardNumber));
        Assert.Equal(CardStatus.Valid, (await card.CheckAsync()).Status);
    }

    [Fact]
    public async Task Import_DeceasedCitizenWithCard_RecordsTheCardRevoked()
    {
        var id = TestIds.NewCitizen(1984, Sex.Female);
        var (number, card) = NewCard();
        var write = new CitizenWrite(FieldOwnership.Registry, new Dictionary<string, FieldInput>
        {
            [F.FullName] = FieldInput.Of("Lê Thị Mai"),
            [F.DateOfBirth] = FieldInput.Of("1984-06-01"),
            [F.Sex] = FieldInput.Of("female"),
            [F.DateOfDeath] = FieldInput.Of("2024-01-01"),
        }, CreditOwners: true);

        var citizen = fixture.Grains.GetGrain<ICitizenGrain>(id.Value);
        await citizen.ImportAsync(write, new CardSummary(number, id, new DateOnly(2021, 6, 1), null, Authority));

        Assert.Equal("revoked", (await citizen.GetAsync())!.Text(F.CardStatus));
        var check = await card.CheckAsync();
        Assert.Equal((CardStatus.Revoked, RevocationReason.Death), (check.Status, check.Reason));
    }
}
