using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Lookups;
using OrleansHub.Grains.Lookups;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Lookups;

public sealed class RecordQuestionsTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);
    private static readonly DateTimeOffset WrittenAt = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static Dictionary<string, FieldValue> Record(params (string Field, string Value)[] fields) =>
        fields.ToDictionary(f => f.Field, f => new FieldValue(FieldInput.Of(f.Value), "registry", WrittenAt));

    private static readonly Dictionary<string, FieldValue> Mai = Record(
        (F.FullName, "Lê Thị Mai"), (F.DateOfBirth, "2008-11-29"), (F.Sex, "female"), (F.ResidenceProvince, "079"),
        (F.CardNumber, "079308001234"), (F.CardStatus, "valid"), (F.CardExpiresOn, "2033-11-29"));

    private static (Dictionary<string, bool> Claims, Dictionary<string, bool> Predicates) Ask(
        IReadOnlyDictionary<string, FieldValue> record, VerificationPredicates predicates, params (string Field, string Claim)[] claims) =>
        RecordQuestions.Verify(record, new VerificationQuestion(claims.ToDictionary(c => c.Field, c => c.Claim), predicates), Today);

    [Fact]
    public void Disclose_RequestedFields_ReturnsOnlyThoseHeldWithProvenance()
    {
        var disclosed = RecordQuestions.Disclose(Mai, [F.FullName, F.TaxCode], Today);

        Assert.Equal([F.FullName], disclosed.Keys);
        Assert.Equal(new FieldValue(FieldInput.Of("Lê Thị Mai"), "registry", WrittenAt), disclosed[F.FullName]);
    }

    [Fact]
    public void Disclose_ValidCardPastExpiry_ReadsExpired()
    {
        var record = new Dictionary<string, FieldValue>(Mai) { [F.CardExpiresOn] = Mai[F.CardExpiresOn] with { Value = FieldInput.Of("2026-11-27") } };

        Assert.Equal("expired", RecordQuestions.Disclose(record, [F.CardStatus], Today)[F.CardStatus].Value.Text);
        Assert.Equal("valid", RecordQuestions.Disclose(Mai, [F.CardStatus], Today)[F.CardStatus].Value.Text);
    }

    [Theory]
    [InlineData("Lê Thị Mai", true)]
    [InlineData("  LÊ   THỊ mai ", true)]
    [InlineData("Le Thi Mai", false)]
    [InlineData("Lê Thị", false)]
    public void Verify_NameClaim_MatchesIgnoringCaseAndSpacingButNotDiacritics(string claim, bool expected) =>
        Assert.Equal(expected, Ask(Mai, VerificationPredicates.None, (F.FullName, claim)).Claims[F.FullName]);

    [Fact]
    public void Verify_NameInDecomposedUnicode_MatchesComposedStoredName() =>
        Assert.True(Ask(Mai, VerificationPredicates.None, (F.FullName, "Lê Thị Mai".Normalize(System.Text.NormalizationForm.FormD))).Claims[F.FullName]);

    [Fact]
    public void Verify_ClaimAboutAFieldNotHeld_IsFalse() =>
        Assert.False(Ask(Mai, VerificationPredicates.None, (F.TaxCode, "8012345678")).Claims[F.TaxCode]);

    [Fact]
    public void Verify_ClaimAgainstListField_MatchesAnyItem()
    {
        var record = new Dictionary<string, FieldValue>(Mai) { [F.DrivingLicences] = new(FieldInput.OfItems("790123456789", "790987654321"), "DRVN", WrittenAt) };

        Assert.True(Ask(record, VerificationPredicates.None, (F.DrivingLicences, "790987654321")).Claims[F.DrivingLicences]);
        Assert.False(Ask(record, VerificationPredicates.None, (F.DrivingLicences, "790000000000")).Claims[F.DrivingLicences]);
    }

    [Fact]
    public void Verify_MinimumAge_TurnsTrueOnTheBirthday()
    {
        Assert.False(Ask(Mai, new VerificationPredicates(MinimumAge: 18)).Predicates["minimumAge"]);
        Assert.True(RecordQuestions.Verify(Mai, new VerificationQuestion(new Dictionary<string, string>(), new VerificationPredicates(MinimumAge: 18)), Today.AddDays(1)).Predicates["minimumAge"]);
        Assert.True(Ask(Mai, new VerificationPredicates(MinimumAge: 17)).Predicates["minimumAge"]);
    }

    [Fact]
    public void AgeOn_LeapDayBirth_CountsFromFirstOfMarch()
    {
        Assert.Equal(17, RecordQuestions.AgeOn(new DateOnly(2008, 2, 29), new DateOnly(2026, 2, 28)));
        Assert.Equal(18, RecordQuestions.AgeOn(new DateOnly(2008, 2, 29), new DateOnly(2026, 3, 1)));
    }

    [Fact]
    public void Verify_IsAlive_IsFalseOnceADeathIsRecorded()
    {
        var dead = new Dictionary<string, FieldValue>(Mai) { [F.DateOfDeath] = new(FieldInput.Of("2026-01-01"), "registry", WrittenAt) };

        Assert.True(Ask(Mai, new VerificationPredicates(IsAlive: true)).Predicates["isAlive"]);
        Assert.False(Ask(dead, new VerificationPredicates(IsAlive: true)).Predicates["isAlive"]);
    }

    [Theory]
    [InlineData("valid", "2033-11-29", true)]
    [InlineData("valid", "2026-11-27", false)]
    [InlineData("lost", "2033-11-29", false)]
    [InlineData("revoked", "2033-11-29", false)]
    public void Verify_HoldsValidCard_NeedsAValidUnexpiredCard(string status, string expires, bool expected)
    {
        var record = new Dictionary<string, FieldValue>(Mai)
        {
            [F.CardStatus] = new(FieldInput.Of(status), "hub", WrittenAt),
            [F.CardExpiresOn] = new(FieldInput.Of(expires), "registry", WrittenAt),
        };

        Assert.Equal(expected, Ask(record, new VerificationPredicates(HoldsValidCard: true)).Predicates["holdsValidCard"]);
    }

    [Fact]
    public void Verify_ResidesInProvince_ComparesTheCode()
    {
        Assert.True(Ask(Mai, new VerificationPredicates(ResidesInProvince: "079")).Predicates["residesInProvince"]);
        Assert.False(Ask(Mai, new VerificationPredicates(ResidesInProvince: "001")).Predicates["residesInProvince"]);
    }

    [Fact]
    public void Verify_OnlyAskedPredicates_AreAnswered() =>
        Assert.Equal(["isAlive"], Ask(Mai, new VerificationPredicates(IsAlive: true)).Predicates.Keys);

    [Fact]
    public void Predicates_Fields_NameWhatEachAskedPredicateReads() =>
        Assert.Equal([F.DateOfDeath, F.DateOfBirth, F.CardStatus, F.ResidenceProvince],
            new VerificationPredicates(IsAlive: true, MinimumAge: 18, HoldsValidCard: true, ResidesInProvince: "001").Fields());
}
