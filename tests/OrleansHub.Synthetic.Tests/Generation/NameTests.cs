using System.Text;

namespace OrleansHub.Synthetic.Tests.Generation;

[Collection(PopulationCollection.Name)]
public sealed class NameTests(PopulationSample sample)
{
    [Fact]
    public void Names_EveryNameField_NfcLettersAndSingleSpaces()
    {
        foreach (var citizen in sample.Citizens)
        {
            foreach (var name in new[] { citizen.FullName, citizen.OtherNames, citizen.FatherName, citizen.MotherName, citizen.SpouseName, citizen.LegalRepresentativeName }.OfType<string>())
            {
                Assert.True(name.IsNormalized(NormalizationForm.FormC), $"'{name}' is not NFC");
                Assert.True(name.All(ch => char.IsLetter(ch) || ch == ' '), $"'{name}' holds something other than letters and spaces");
                Assert.DoesNotContain("  ", name, StringComparison.Ordinal);
                Assert.Equal(name.Trim(), name);
                Assert.InRange(name.Split(' ').Length, 3, 5);
            }
        }
    }

    [Fact]
    public void Names_Vietnamese_CarryDiacritics()
    {
        Assert.Contains(sample.Citizens, c => c.FullName.StartsWith("Nguyễn ", StringComparison.Ordinal));
        Assert.Contains(sample.Citizens, c => c.FullName.StartsWith("Đặng ", StringComparison.Ordinal));
        Assert.Contains(sample.Citizens, c => c.FullName.Contains(" Thị ", StringComparison.Ordinal) && c.Sex == Sex.Female);
        Assert.DoesNotContain(sample.Citizens, c => c.FullName.Contains(" Thị ", StringComparison.Ordinal) && c.Sex == Sex.Male);
        Assert.DoesNotContain(sample.Citizens, c => c.FullName.Contains(" Văn ", StringComparison.Ordinal) && c.Sex == Sex.Female);
    }

    [Fact]
    public void FamilyNames_Shares_CloseToPublishedFrequencies()
    {
        double Share(string family) => sample.Citizens.Count(c => c.FullName.StartsWith(family + " ", StringComparison.Ordinal)) / (double)PopulationSample.Size;

        Assert.InRange(Share("Nguyễn"), 0.34, 0.42);
        Assert.InRange(Share("Trần"), 0.08, 0.14);
        Assert.InRange(Share("Lê"), 0.07, 0.12);
        Assert.InRange(Share("Hoàng") + Share("Huỳnh"), 0.035, 0.07);
    }

    [Fact]
    public void TextFields_Nfc_AndAddressesAtMostTwoHundredCharacters()
    {
        foreach (var citizen in sample.Citizens)
        {
            foreach (var text in new[] { citizen.Hometown, citizen.Ethnicity, citizen.Religion, citizen.PermanentResidence, citizen.CurrentResidence, citizen.TemporaryResidence, citizen.Card?.IssuedBy }.OfType<string>())
            {
                Assert.True(text.IsNormalized(NormalizationForm.FormC), $"'{text}' is not NFC");
            }

            foreach (var address in new[] { citizen.PermanentResidence, citizen.CurrentResidence, citizen.TemporaryResidence, citizen.Hometown }.OfType<string>())
            {
                Assert.InRange(address.Length, 10, 200);
            }
        }
    }

    [Fact]
    public void Residence_MostlyAtHome_TemporaryOnlyWhenLivingElsewhere()
    {
        var away = sample.Citizens.Count(c => c.TemporaryResidence is not null);

        Assert.InRange(away, 1, PopulationSample.Size / 10);
        Assert.All(sample.Citizens, c => Assert.Equal(c.TemporaryResidence ?? c.PermanentResidence, c.CurrentResidence));
        Assert.All(sample.Citizens, c => Assert.Contains(c.ResidenceProvince, PopulationSample.ProvinceCodes));
    }
}
