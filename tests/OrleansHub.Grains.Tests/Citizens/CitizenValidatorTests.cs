using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Citizens;

namespace OrleansHub.Grains.Tests.Citizens;

public sealed class CitizenValidatorTests
{
    private static readonly PersonalId Id = PersonalId.Parse("079195004321");
    private static readonly DateOnly Today = new(2026, 11, 28);
    private static readonly CitizenIdentity Valid = new("Trần Thị Bích", new DateOnly(1995, 11, 2), Sex.Female);

    [Fact]
    public void Validate_ConsistentVietnameseRecord_HasNoErrors() =>
        Assert.Empty(CitizenValidator.Validate(Id, Valid, Today));

    [Theory]
    [InlineData("Nguyễn Thị Ánh Tuyết")]
    [InlineData("Đặng Văn Ơn")]
    [InlineData("H'Hen Niê")]
    [InlineData("Nguyễn Thị Thu Hà")] // decomposed diacritics: base letters plus combining marks
    public void Validate_NamesWithDiacritics_AreAccepted(string name) =>
        Assert.Empty(CitizenValidator.Validate(Id, Valid with { FullName = name }, Today));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Trần\u0000Bích")]
    [InlineData("Trần\nBích")]
    [InlineData("Robert'); DROP TABLE citizens;--")]
    [InlineData("<script>alert(1)</script>")]
    public void Validate_BadNames_AreRejectedOnFullName(string name)
    {
        var errors = CitizenValidator.Validate(Id, Valid with { FullName = name }, Today);
        Assert.Contains(errors, e => e.Field == "fullName");
    }

    [Fact]
    public void Validate_NameOverLimit_IsRejected() =>
        Assert.Contains(CitizenValidator.Validate(Id, Valid with { FullName = new string('a', CitizenValidator.MaxNameLength + 1) }, Today), e => e.Field == "fullName");

    [Fact]
    public void Validate_BirthInTheFuture_IsRejected() =>
        Assert.Contains(CitizenValidator.Validate(Id, Valid with { DateOfBirth = Today.AddDays(1) }, Today), e => e.Field == "dateOfBirth");

    [Fact]
    public void Validate_YearDisagreeingWithId_IsRejectedOnId() =>
        Assert.Contains(CitizenValidator.Validate(Id, Valid with { DateOfBirth = new DateOnly(1996, 1, 1) }, Today), e => e.Field == "id");

    [Fact]
    public void Validate_SexDisagreeingWithId_IsRejectedOnId() =>
        Assert.Contains(CitizenValidator.Validate(Id, Valid with { Sex = Sex.Male }, Today), e => e.Field == "id");

    [Fact]
    public void Validate_UndefinedSex_IsRejected() =>
        Assert.Contains(CitizenValidator.Validate(Id, Valid with { Sex = (Sex)7 }, Today), e => e.Field == "sex");

    [Fact]
    public void Validate_SeveralBrokenRules_ListsEachOne()
    {
        var errors = CitizenValidator.Validate(Id, new CitizenIdentity("", Today.AddYears(1), (Sex)9), Today);
        Assert.Equal(["dateOfBirth", "fullName", "sex"], errors.Select(e => e.Field).Order().ToArray());
    }
}
