using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Tests.Citizens;

public sealed class PersonalIdTests
{
    [Theory]
    [InlineData("001090001234", "001", Sex.Male, 1990)]
    [InlineData("079195004321", "079", Sex.Female, 1995)]
    [InlineData("048205000777", "048", Sex.Male, 2005)]
    [InlineData("096303001122", "096", Sex.Female, 2003)]
    [InlineData("001499000001", "001", Sex.Male, 2199)]
    [InlineData("001900000001", "001", Sex.Female, 2300)]
    public void TryParse_ValidId_DecodesProvinceSexAndYear(string candidate, string province, Sex sex, int year)
    {
        Assert.True(PersonalId.TryParse(candidate, out var id, out var error), error);
        Assert.Equal(province, id.Value.ProvinceCode);
        Assert.Equal(sex, id.Value.Sex);
        Assert.Equal(year, id.Value.BirthYear);
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData("00109000123", "exactly 12")]
    [InlineData("0010900012345", "exactly 12")]
    [InlineData("00109000123a", "ASCII digits")]
    [InlineData("００1090001234", "ASCII digits")]
    [InlineData("0010900012３4", "ASCII digits")]
    [InlineData("003090001234", "province code")]
    [InlineData("100090001234", "province code")]
    public void TryParse_InvalidId_ExplainsWhy(string? candidate, string reason)
    {
        Assert.False(PersonalId.TryParse(candidate, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ErrorMessage_NeverEchoesTheCandidate()
    {
        Assert.False(PersonalId.TryParse("999123456789", out _, out var error));
        Assert.DoesNotContain("999123456789", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1990-03-15", Sex.Male, true)]
    [InlineData("1990-03-15", Sex.Female, false)]
    [InlineData("1991-03-15", Sex.Male, false)]
    [InlineData("2090-03-15", Sex.Male, false)]
    public void AgreesWith_ComparesCenturySexAndYearDigits(string dateOfBirth, Sex sex, bool agrees) =>
        Assert.Equal(agrees, PersonalId.Parse("001090001234").AgreesWith(DateOnly.Parse(dateOfBirth, System.Globalization.CultureInfo.InvariantCulture), sex));
}
