namespace OrleansHub.Synthetic.Tests.Generation;

[Collection(PopulationCollection.Name)]
public sealed class AttributeTests(PopulationSample sample)
{
    [Fact]
    public void PlaceOfBirth_HoChiMinhCityAndHanoi_TheTwoLargest()
    {
        var largest = sample.Citizens.GroupBy(c => c.PlaceOfBirth).OrderByDescending(g => g.Count()).Take(2).Select(g => g.Key).Order();

        Assert.Equal(["001", "079"], largest);
        Assert.True(sample.Citizens.Select(c => c.PlaceOfBirth).Distinct().Count() >= 60, "nearly every province registers births");
    }

    [Fact]
    public void Ethnicity_KinhAboutEightyFivePercent_MinoritiesPresent()
    {
        var kinh = sample.Citizens.Count(c => c.Ethnicity == "Kinh") / (double)PopulationSample.Size;

        Assert.InRange(kinh, 0.82, 0.89);
        Assert.Contains(sample.Citizens, c => c.Ethnicity == "Tày");
        Assert.Contains(sample.Citizens, c => c.Ethnicity == "Khmer");
    }

    [Fact]
    public void Religion_MostlyNone()
    {
        var none = sample.Citizens.Count(c => c.Religion == "Không") / (double)PopulationSample.Size;

        Assert.InRange(none, 0.8, 0.92);
        Assert.Contains(sample.Citizens, c => c.Religion == "Công giáo");
        Assert.Contains(sample.Citizens, c => c.Religion == "Phật giáo");
    }

    [Fact]
    public void BloodType_KnownValues_RhNegativeRare()
    {
        string[] known = ["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"];

        Assert.All(sample.Citizens, c => Assert.Contains(c.BloodType, known));
        Assert.True(sample.Citizens.Count(c => c.BloodType.EndsWith('-')) < PopulationSample.Size / 100);
        Assert.True(sample.Citizens.Count(c => c.BloodType == "O+") > sample.Citizens.Count(c => c.BloodType == "A+"));
    }

    [Fact]
    public void Nationality_Vietnamese()
    {
        Assert.All(sample.Citizens, c => Assert.Equal("VN", c.Nationality));
    }

    [Fact]
    public void EIdLevel_AdultsMostlyLevelTwo_YoungChildrenMostlyNone()
    {
        var adults = sample.Citizens.Where(c => PopulationSample.AgeOn(c.DateOfBirth, PopulationSample.Today) is >= 18 and < 80).ToList();
        var children = sample.Citizens.Where(c => PopulationSample.AgeOn(c.DateOfBirth, PopulationSample.Today) < 14).ToList();

        Assert.True(adults.Count(c => c.EIdLevel == EIdLevel.Level2) > adults.Count / 2);
        Assert.Contains(adults, c => c.EIdLevel == EIdLevel.Level1);
        Assert.True(children.Count(c => c.EIdLevel == EIdLevel.None) > children.Count * 0.8);
    }

    [Fact]
    public void Relationships_AllSixKinds_OneHeadPerHousehold()
    {
        var kinds = sample.Citizens.Select(c => c.RelationshipToHead).Distinct().Order();

        Assert.Equal(Enum.GetValues<HouseholdRelationship>(), kinds);
        Assert.Equal(sample.Citizens.Select(c => c.HeadOfHouseholdId).Distinct().Count(), sample.Citizens.Count(c => c.RelationshipToHead == HouseholdRelationship.Head));
    }

    [Fact]
    public void MaritalStatus_AllFourKinds_MinorsSingle()
    {
        Assert.Equal(Enum.GetValues<MaritalStatus>(), sample.Citizens.Select(c => c.MaritalStatus).Distinct().Order());
        Assert.All(sample.Citizens.Where(c => PopulationSample.AgeOn(c.DateOfBirth, PopulationSample.Today) < 18), c => Assert.Equal(MaritalStatus.Single, c.MaritalStatus));
    }

    [Fact]
    public void LinkedDocuments_SharesByAge()
    {
        var adults = sample.Citizens.Where(c => PopulationSample.AgeOn(c.DateOfBirth, PopulationSample.Today) >= 18).ToList();
        var minors = sample.Citizens.Where(c => PopulationSample.AgeOn(c.DateOfBirth, PopulationSample.Today) < 18).ToList();

        Assert.True(sample.Citizens.Count(c => c.HealthInsuranceNumber is not null) > PopulationSample.Size * 0.8);
        Assert.True(adults.Count(c => c.TaxCode is not null) > adults.Count / 3);
        Assert.Contains(adults, c => c.DrivingLicences.Count == 2);
        Assert.Contains(adults, c => c.VehicleRegistrations.Count > 0);
        Assert.All(minors, c => Assert.Empty(c.DrivingLicences));
        Assert.All(minors, c => Assert.Null(c.TaxCode));
    }
}
