using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Events;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;
using T = OrleansHub.Abstractions.Events.CitizenEventTypes;

namespace OrleansHub.Grains.Tests.Events;

public sealed class CitizenEventClassifierTests
{
    private static string Describe(IReadOnlyList<(string Type, IReadOnlyList<string> Fields)> events) =>
        string.Join(" | ", events.Select(e => e.Type + ": " + string.Join(",", e.Fields)));

    [Fact]
    public void Classify_Creation_ProducesNoEvent() =>
        Assert.Empty(CitizenEventClassifier.Classify(ChangeKind.Created, [F.FullName, F.DateOfBirth, F.PermanentResidence]));

    [Fact]
    public void Classify_OneUpdateTouchingSeveralKinds_ProducesOneEventPerKindEachWithItsOwnFields() =>
        Assert.Equal(
            $"{T.CivilStatusChanged}: maritalStatus,spouseId | {T.RecordChanged}: bloodType,hometown | {T.ResidenceChanged}: currentResidence,residenceProvince",
            Describe(CitizenEventClassifier.Classify(ChangeKind.Updated,
                [F.ResidenceProvince, F.MaritalStatus, F.Hometown, F.CurrentResidence, F.SpouseId, F.BloodType])));

    [Theory]
    [InlineData(F.FullName, T.NameCorrected)]
    [InlineData(F.TemporaryResidence, T.ResidenceChanged)]
    [InlineData(F.TaxCode, T.DocumentChanged)]
    [InlineData(F.DrivingLicences, T.DocumentChanged)]
    [InlineData(F.HealthInsuranceNumber, T.DocumentChanged)]
    [InlineData(F.Religion, T.RecordChanged)]
    public void Classify_SingleFieldUpdate_HasItsKind(string field, string type) =>
        Assert.Equal($"{type}: {field}", Describe(CitizenEventClassifier.Classify(ChangeKind.Updated, [field])));

    [Fact]
    public void Classify_Death_IsDeathRecordedWithTheCardAndEIdItRevoked() =>
        Assert.Equal($"{T.DeathRecorded}: cardStatus,dateOfDeath,eIdStatus | {T.ResidenceChanged}: currentResidence",
            Describe(CitizenEventClassifier.Classify(ChangeKind.DeathRecorded, [F.EIdStatus, F.DateOfDeath, F.CardStatus, F.CurrentResidence])));

    [Theory]
    [InlineData(ChangeKind.CardIssued, T.CardIssued)]
    [InlineData(ChangeKind.CardReportedLost, T.CardReportedLost)]
    [InlineData(ChangeKind.CardRevoked, T.CardRevoked)]
    public void Classify_CardChange_PutsTheCardFieldsInTheCardEvent(ChangeKind kind, string type) =>
        Assert.Equal($"{type}: cardNumber,cardStatus,eIdStatus",
            Describe(CitizenEventClassifier.Classify(kind, [F.CardStatus, F.EIdStatus, F.CardNumber])));

    [Fact]
    public void Classify_CardFieldsInAPlainUpdate_AreARecordChange() =>
        Assert.Equal($"{T.RecordChanged}: cardStatus", Describe(CitizenEventClassifier.Classify(ChangeKind.Updated, [F.CardStatus])));

    [Fact]
    public void Classify_RepeatedField_IsListedOnce() =>
        Assert.Equal($"{T.NameCorrected}: fullName", Describe(CitizenEventClassifier.Classify(ChangeKind.Updated, [F.FullName, F.FullName])));
}
