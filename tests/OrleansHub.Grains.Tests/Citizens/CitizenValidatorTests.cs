using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Citizens;
using F = OrleansHub.Abstractions.Citizens.CitizenFieldNames;

namespace OrleansHub.Grains.Tests.Citizens;

public sealed class CitizenValidatorTests
{
    private static readonly PersonalId Id = PersonalId.Parse("079195004321");
    private static readonly DateOnly Today = new(2026, 11, 28);

    private static Dictionary<string, FieldInput> Valid() => new()
    {
        [F.FullName] = FieldInput.Of("Trần Thị Bích"),
        [F.DateOfBirth] = FieldInput.Of("1995-11-02"),
        [F.Sex] = FieldInput.Of("female"),
    };

    [Fact]
    public void CheckRecord_ConsistentRecord_HasNoErrors() => Assert.Empty(CitizenValidator.CheckRecord(Id, Valid(), Today));

    [Theory]
    [InlineData(F.FullName, "Nguyễn Thị Ánh Tuyết")]
    [InlineData(F.FullName, "Đặng Văn Ơn")]
    [InlineData(F.FullName, "H'Hen Niê")]
    [InlineData(F.FullName, "Nguyễn Thị Thu Hà")] // decomposed diacritics
    [InlineData(F.PermanentResidence, "Số 12, ngõ 34/5 phố Huế (tầng 2), Hà Nội")]
    [InlineData(F.BloodType, "AB-")]
    [InlineData(F.MaritalStatus, "divorced")]
    [InlineData(F.PlaceOfBirth, "096")]
    [InlineData(F.HealthInsuranceNumber, "DN4790123456789")]
    [InlineData(F.TaxCode, "8123456789-001")]
    [InlineData(F.SpouseId, "001090001234")]
    public void CheckValue_WellFormedValue_IsAccepted(string field, string value) =>
        Assert.Null(CitizenValidator.CheckValue(field, FieldInput.Of(value)));

    [Theory]
    [InlineData(F.FullName, "")]
    [InlineData(F.FullName, "   ")]
    [InlineData(F.FullName, " Trần Bích")]
    [InlineData(F.FullName, "Trần  Bích")]
    [InlineData(F.FullName, "Trần\u0000Bích")]
    [InlineData(F.FullName, "Trần\nBích")]
    [InlineData(F.FullName, "Robert'); DROP TABLE citizens;--")]
    [InlineData(F.FullName, "<script>alert(1)</script>")]
    [InlineData(F.PermanentResidence, "Số 12\u200B phố Huế")]
    [InlineData(F.DateOfBirth, "02/11/1995")]
    [InlineData(F.DateOfBirth, "1995-02-30")]
    [InlineData(F.Sex, "Female")]
    [InlineData(F.Sex, "other")]
    [InlineData(F.BloodType, "C+")]
    [InlineData(F.MaritalStatus, "complicated")]
    [InlineData(F.EIdLevel, "level3")]
    [InlineData(F.PlaceOfBirth, "003")]
    [InlineData(F.SpouseId, "00109000123")]
    [InlineData(F.SpouseId, "00109000123４")]
    [InlineData(F.HealthInsuranceNumber, "DN9790123456789")]
    [InlineData(F.Nationality, "vn")]
    public void CheckValue_MalformedValue_IsRejectedOnThatField(string field, string value)
    {
        var error = CitizenValidator.CheckValue(field, FieldInput.Of(value));

        Assert.NotNull(error);
        Assert.Equal(field, error.Field);
        if (value.Trim().Length > 3)
        {
            Assert.DoesNotContain(value.Trim(), error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CheckValue_NameOverLimit_IsRejected() =>
        Assert.NotNull(CitizenValidator.CheckValue(F.FullName, FieldInput.Of(new string('a', FieldCatalog.MaxNameLength + 1))));

    [Fact]
    public void CheckValue_UnknownField_IsRejected() =>
        Assert.Equal("Not a field of a citizen record.", CitizenValidator.CheckValue("favouriteColour", FieldInput.Of("red"))?.Message);

    [Fact]
    public void CheckValue_ListFieldGivenText_IsRejected() =>
        Assert.NotNull(CitizenValidator.CheckValue(F.DrivingLicences, FieldInput.Of("010123456789")));

    [Fact]
    public void CheckValue_ListWithDuplicates_IsRejected() =>
        Assert.NotNull(CitizenValidator.CheckValue(F.DrivingLicences, FieldInput.OfItems("010123456789", "010123456789")));

    [Fact]
    public void CheckValue_Clear_IsAlwaysShapeValid() => Assert.Null(CitizenValidator.CheckValue(F.FullName, FieldInput.Clear));

    [Fact]
    public void CheckRecord_BirthInTheFuture_IsRejected()
    {
        var fields = Valid();
        fields[F.DateOfBirth] = FieldInput.Of("2095-01-01");

        Assert.Contains(CitizenValidator.CheckRecord(PersonalId.Parse("079395004321"), fields, Today), e => e.Field == F.DateOfBirth);
    }

    [Theory]
    [InlineData("1996-11-02", "female")]
    [InlineData("1995-11-02", "male")]
    public void CheckRecord_IdDisagreeingWithBirthYearOrSex_IsRejectedOnId(string dateOfBirth, string sex)
    {
        var fields = Valid();
        fields[F.DateOfBirth] = FieldInput.Of(dateOfBirth);
        fields[F.Sex] = FieldInput.Of(sex);

        Assert.Contains(CitizenValidator.CheckRecord(Id, fields, Today), e => e.Field == "id");
    }

    [Theory]
    [InlineData("1990-01-01")]
    [InlineData("2026-11-29")]
    public void CheckRecord_DeathOutsideLifetime_IsRejected(string dateOfDeath)
    {
        var fields = Valid();
        fields[F.DateOfDeath] = FieldInput.Of(dateOfDeath);

        Assert.Contains(CitizenValidator.CheckRecord(Id, fields, Today), e => e.Field == F.DateOfDeath);
    }

    [Fact]
    public void CheckRecord_LinkToSelf_IsRejected()
    {
        var fields = Valid();
        fields[F.SpouseId] = FieldInput.Of(Id.Value);

        Assert.Contains(CitizenValidator.CheckRecord(Id, fields, Today), e => e.Field == F.SpouseId);
    }

    [Fact]
    public void CheckRecord_PlaceOfBirthOtherThanIdProvince_IsRejected()
    {
        var fields = Valid();
        fields[F.PlaceOfBirth] = FieldInput.Of("001");

        Assert.Contains(CitizenValidator.CheckRecord(Id, fields, Today), e => e.Field == F.PlaceOfBirth);
    }

    [Fact]
    public void CheckRecord_MissingRequiredFields_ListsEachOne() =>
        Assert.Equal([F.DateOfBirth, F.FullName, F.Sex],
            CitizenValidator.CheckRecord(Id, new Dictionary<string, FieldInput>(), Today).Select(e => e.Field).Order().ToArray());
}
