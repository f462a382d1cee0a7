using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Citizens;

public sealed class CitizenChangeTests
{
    private static readonly PersonalId Id = PersonalId.Parse("001090001234");
    private static readonly DateOnly Today = new(2026, 11, 28);
    private static readonly DateTimeOffset Then = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly FieldOwnership Ownership = new() { Owners = { [F.HealthInsuranceNumber] = "VSS" } };

    private static CitizenState Existing(params (string Field, string Value)[] extra)
    {
        var state = new CitizenState { Version = 3 };
        foreach (var (field, value) in new[] { (F.FullName, "Nguyễn Văn An"), (F.DateOfBirth, "1990-03-15"), (F.Sex, "male") }.Concat(extra))
        {
            state.Fields[field] = new FieldValue(FieldInput.Of(value), FieldOwnership.Registry, Then);
        }

        return state;
    }

    private static CitizenWrite Write(string source, params (string Field, string? Value)[] changes) =>
        new(source, changes.ToDictionary(c => c.Field, c => c.Value is null ? FieldInput.Clear : FieldInput.Of(c.Value)));

    [Fact]
    public void Plan_OwnerWritesItsField_IsCreditedToIt()
    {
        var (plan, failure, _) = CitizenChange.Plan(Id, Existing(), Write("VSS", (F.HealthInsuranceNumber, "DN4010123456789")), Ownership, Today);

        Assert.Equal(CitizenWriteFailure.None, failure);
        Assert.Equal("VSS", plan!.Sets[F.HealthInsuranceNumber].Source);
    }

    [Fact]
    public void Plan_RegistryWritesAProvidersField_IsRefusedAsNotOwner()
    {
        var (_, failure, errors) = CitizenChange.Plan(Id, Existing(), Write(FieldOwnership.Registry, (F.HealthInsuranceNumber, "DN4010123456789")), Ownership, Today);

        Assert.Equal(CitizenWriteFailure.NotOwner, failure);
        Assert.Equal(F.HealthInsuranceNumber, Assert.Single(errors).Field);
    }

    [Fact]
    public void Plan_ProviderWritesARegistryField_IsRefusedAsNotOwner() =>
        Assert.Equal(CitizenWriteFailure.NotOwner, CitizenChange.Plan(Id, Existing(), Write("VSS", (F.FullName, "Nguyễn An")), Ownership, Today).Failure);

    [Fact]
    public void Plan_AnyoneWritesAnInternalField_IsRefused() =>
        Assert.Equal(CitizenWriteFailure.NotOwner, CitizenChange.Plan(Id, Existing(), Write(FieldOwnership.Registry, (F.CardStatus, "valid")), Ownership, Today).Failure);

    [Fact]
    public void Plan_RegistryBulkLoadCreditingOwners_CreditsEachFieldToItsOwner()
    {
        var write = Write(FieldOwnership.Registry, (F.HealthInsuranceNumber, "DN4010123456789"), (F.Hometown, "Nam Định")) with { CreditOwners = true };

        var (plan, _, _) = CitizenChange.Plan(Id, Existing(), write, Ownership, Today);

        Assert.Equal("VSS", plan!.Sets[F.HealthInsuranceNumber].Source);
        Assert.Equal(FieldOwnership.Registry, plan.Sets[F.Hometown].Source);
    }

    [Fact]
    public void Plan_ProviderWritesUnknownCitizen_IsNotFound() =>
        Assert.Equal(CitizenWriteFailure.NotFound, CitizenChange.Plan(Id, new CitizenState(), Write("VSS", (F.HealthInsuranceNumber, "DN4010123456789")), Ownership, Today).Failure);

    [Fact]
    public void Plan_SameValuesAgain_PlansNoChange()
    {
        var (plan, _, _) = CitizenChange.Plan(Id, Existing(), Write(FieldOwnership.Registry, (F.FullName, "Nguyễn Văn An")), Ownership, Today);

        Assert.Empty(plan!.Sets);
        Assert.Empty(plan.Clears);
    }

    [Fact]
    public void Plan_ClearingARequiredField_IsInvalid() =>
        Assert.Equal(CitizenWriteFailure.Invalid, CitizenChange.Plan(Id, Existing(), Write(FieldOwnership.Registry, (F.FullName, null)), Ownership, Today).Failure);

    [Fact]
    public void Plan_StaleExpectedVersion_IsVersionMismatch() =>
        Assert.Equal(CitizenWriteFailure.VersionMismatch,
            CitizenChange.Plan(Id, Existing(), Write(FieldOwnership.Registry, (F.Hometown, "Huế")) with { ExpectedVersion = 2 }, Ownership, Today).Failure);

    [Fact]
    public void Plan_CreateOnlyOnExistingRecord_IsVersionMismatch() =>
        Assert.Equal(CitizenWriteFailure.VersionMismatch,
            CitizenChange.Plan(Id, Existing(), Write(FieldOwnership.Registry, (F.Hometown, "Huế")) with { CreateOnly = true }, Ownership, Today).Failure);

    [Fact]
    public void Plan_RecordingDeath_RevokesTheCardAndLocksTheEIdInTheSameChange()
    {
        var state = Existing((F.CardNumber, "CC0000000001"), (F.CardStatus, "valid"), (F.EIdStatus, "active"));

        var (plan, _, _) = CitizenChange.Plan(Id, state, Write(FieldOwnership.Registry, (F.DateOfDeath, "2026-11-01")), Ownership, Today);

        Assert.Equal(ChangeKind.DeathRecorded, plan!.Kind);
        Assert.Equal("revoked", plan.Sets[F.CardStatus].Value.Text);
        Assert.Equal("locked", plan.Sets[F.EIdStatus].Value.Text);
        Assert.Equal(FieldOwnership.Hub, plan.Sets[F.CardStatus].Source);
    }

    [Fact]
    public void Plan_CreatingARecordWithADateOfDeath_IsACreation_WithTheDeathsEffects()
    {
        var (plan, _, _) = CitizenChange.Plan(Id, new CitizenState(), Write(FieldOwnership.Registry,
            (F.FullName, "Lê Văn Tám"), (F.DateOfBirth, "1990-03-04"), (F.Sex, "male"), (F.DateOfDeath, "2020-01-02")), Ownership, Today);

        Assert.Equal(ChangeKind.Created, plan!.Kind); // so it raises no event, like every creation
        Assert.Empty(OrleansHub.Grains.Events.CitizenEventClassifier.Classify(plan.Kind, plan.ChangedFields));
        Assert.Equal("locked", plan.Sets[F.EIdStatus].Value.Text);
    }
}
