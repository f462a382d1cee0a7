using System.Text.RegularExpressions;

namespace OrleansHub.Synthetic.Tests.Generation;

[Collection(PopulationCollection.Name)]
public sealed partial class IdentityTests(PopulationSample sample)
{
    [Fact]
    public void Ids_EveryCitizen_TwelveAsciiDigitsStartingWithAKnownProvince()
    {
        foreach (var citizen in sample.Citizens)
        {
            Assert.Equal(12, citizen.Id.Length);
            Assert.True(citizen.Id.All(char.IsAsciiDigit), citizen.Id);
            Assert.Contains(citizen.Id[..3], PopulationSample.ProvinceCodes);
        }
    }

    [Fact]
    public void Ids_CenturyDigitAndYear_AgreeWithDateOfBirthAndSex()
    {
        foreach (var citizen in sample.Citizens)
        {
            var century = citizen.Id[3] - '0';
            var year = int.Parse(citizen.Id.AsSpan(4, 2), provider: null);

            Assert.Equal(citizen.DateOfBirth.Year, 1900 + (century / 2 * 100) + year);
            Assert.Equal(citizen.Sex == Sex.Female ? 1 : 0, century % 2);
        }
    }

    [Fact]
    public void Ids_PlaceOfBirth_IsTheProvincePrefix()
    {
        Assert.All(sample.Citizens, c => Assert.Equal(c.Id[..3], c.PlaceOfBirth));
    }

    [Fact]
    public void Ids_FiftyThousandCitizens_AllDistinct()
    {
        Assert.Equal(PopulationSample.Size, sample.Citizens.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Ids_RandomPart_SpreadRatherThanSequential()
    {
        // Six random digits: the ones of one prefix must not count 000000, 000001, ...
        var small = sample.Citizens.Count(c => int.Parse(c.Id.AsSpan(6), provider: null) < 1_000);
        Assert.True(small < PopulationSample.Size / 100, $"{small} IDs end below 001000");
    }

    [Fact]
    public void DocumentNumbers_AcrossThePopulation_Unique()
    {
        AssertUnique(sample.Citizens.Select(c => c.Card?.Number));
        AssertUnique(sample.Citizens.Select(c => c.TaxCode));
        AssertUnique(sample.Citizens.Select(c => c.SocialInsuranceNumber));
        AssertUnique(sample.Citizens.SelectMany(c => c.DrivingLicences));
    }

    [Fact]
    public void DocumentNumbers_EveryCitizen_MatchTheirFormats()
    {
        foreach (var citizen in sample.Citizens)
        {
            Assert.Matches(CardNumber(), citizen.Card?.Number ?? "CC0000000000");
            Assert.Matches(TenDigits(), citizen.SocialInsuranceNumber ?? "0000000000");
            Assert.Matches(TaxCode(), citizen.TaxCode ?? "8000000000");
            Assert.All(citizen.DrivingLicences, l => Assert.Matches(TwelveDigits(), l));
            Assert.All(citizen.VehicleRegistrations, p => Assert.Matches(Plate(), p));
            Assert.InRange(citizen.DrivingLicences.Count, 0, 2);
            Assert.InRange(citizen.VehicleRegistrations.Count, 0, 2);
            if (citizen.HealthInsuranceNumber is { } health)
            {
                Assert.Matches(HealthInsurance(), health);
                Assert.Equal(citizen.ResidenceProvince[1..], health[3..5]);
                Assert.Equal(citizen.SocialInsuranceNumber, health[5..]);
            }
        }
    }

    private static void AssertUnique(IEnumerable<string?> values)
    {
        var present = values.OfType<string>().ToList();
        Assert.NotEmpty(present);
        Assert.Equal(present.Count, present.Distinct(StringComparer.Ordinal).Count());
    }

    [GeneratedRegex("^CC[0-9]{10}$")]
    private static partial Regex CardNumber();

    [GeneratedRegex("^[0-9]{10}$")]
    private static partial Regex TenDigits();

    [GeneratedRegex("^8[0-9]{9}$")]
    private static partial Regex TaxCode();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex TwelveDigits();

    [GeneratedRegex("^[A-Z]{2}[1-5][0-9]{12}$")]
    private static partial Regex HealthInsurance();

    [GeneratedRegex("^[0-9]{2}([A-Z]{1,2}|[A-Z][1-9])-[0-9]{3}\\.[0-9]{2}$")]
    private static partial Regex Plate();
}
