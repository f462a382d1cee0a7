namespace OrleansHub.Synthetic.Tests.Generation;

[Collection(PopulationCollection.Name)]
public sealed class FamilyTests(PopulationSample sample)
{
    private static IEnumerable<(string Field, string? Id, string? Name)> Links(SyntheticCitizen c) =>
    [
        ("father", c.FatherId, c.FatherName),
        ("mother", c.MotherId, c.MotherName),
        ("spouse", c.SpouseId, c.SpouseName),
        ("legalRepresentative", c.LegalRepresentativeId, c.LegalRepresentativeName),
    ];

    [Fact]
    public void FamilyLinks_EveryId_IsACitizenOfTheSameHouseholdWithThatName()
    {
        foreach (var citizen in sample.Citizens)
        {
            Assert.True(sample.ById.TryGetValue(citizen.HeadOfHouseholdId, out var head), $"{citizen.Id}: head {citizen.HeadOfHouseholdId}");
            Assert.Equal(HouseholdRelationship.Head, head.RelationshipToHead);
            foreach (var (field, id, name) in Links(citizen))
            {
                // An ID and a name come together or not at all.
                Assert.Equal(id is null, name is null);
                if (id is null)
                {
                    continue;
                }

                Assert.True(sample.ById.TryGetValue(id, out var linked), $"{citizen.Id}: {field} {id} is not in the output");
                Assert.Equal(linked.FullName, name);
                Assert.Equal(citizen.HeadOfHouseholdId, linked.HeadOfHouseholdId);
                Assert.NotEqual(citizen.Id, id);
            }
        }
    }

    [Fact]
    public void Households_HeadFirst_MembersFollowContiguously()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var citizen in sample.Citizens)
        {
            if (citizen.HeadOfHouseholdId != current)
            {
                Assert.Equal(citizen.Id, citizen.HeadOfHouseholdId);
                Assert.True(seen.Add(citizen.Id), "a household appears twice");
                current = citizen.Id;
            }
            else
            {
                Assert.NotEqual(HouseholdRelationship.Head, citizen.RelationshipToHead);
            }
        }
    }

    [Fact]
    public void SpouseLinks_BothWays_AndBothMarriedUnlessOneDied()
    {
        var married = 0;
        foreach (var citizen in sample.Citizens.Where(c => c.SpouseId is not null))
        {
            var spouse = sample.ById[citizen.SpouseId!];
            Assert.Equal(citizen.Id, spouse.SpouseId);
            Assert.NotEqual(citizen.Sex, spouse.Sex);
            if (citizen.DateOfDeath is null && spouse.DateOfDeath is null)
            {
                Assert.Equal(MaritalStatus.Married, citizen.MaritalStatus);
                married++;
            }
            else
            {
                Assert.Contains(citizen.MaritalStatus, new[] { MaritalStatus.Married, MaritalStatus.Widowed });
            }
        }

        Assert.True(married > PopulationSample.Size / 4, $"only {married} married citizens with a spouse in the output");
    }

    [Fact]
    public void MarriedLiving_WithoutSpouseLink_DoesNotHappen()
    {
        Assert.DoesNotContain(sample.Citizens, c => c.MaritalStatus == MaritalStatus.Married && c.SpouseId is null);
    }

    [Fact]
    public void ParentLinks_FatherMaleMotherFemale_BothOlderByAtLeastFifteenYears()
    {
        foreach (var child in sample.Citizens)
        {
            if (child.FatherId is { } fatherId)
            {
                var father = sample.ById[fatherId];
                Assert.Equal(Sex.Male, father.Sex);
                Assert.True(father.DateOfBirth.AddYears(15) <= child.DateOfBirth, $"{fatherId} fathered {child.Id} too young");
                Assert.True(father.DateOfDeath is not { } died || died >= child.DateOfBirth, $"{fatherId} died before {child.Id} was born");
            }

            if (child.MotherId is { } motherId)
            {
                var mother = sample.ById[motherId];
                Assert.Equal(Sex.Female, mother.Sex);
                Assert.True(mother.DateOfBirth.AddYears(15) <= child.DateOfBirth, $"{motherId} gave birth to {child.Id} too young");
                Assert.True(mother.DateOfDeath is not { } died || died >= child.DateOfBirth, $"{motherId} died before {child.Id} was born");
            }
        }
    }

    [Fact]
    public void Children_WithAFather_TakeHisFamilyName()
    {
        var withFather = sample.Citizens.Where(c => c.FatherName is not null).ToList();

        Assert.True(withFather.Count > PopulationSample.Size / 5);
        Assert.All(withFather, c => Assert.Equal(c.FatherName!.Split(' ')[0], c.FullName.Split(' ')[0]));
    }

    [Fact]
    public void LivingMinors_AlmostAll_HaveAnAdultLegalRepresentative()
    {
        var minors = sample.Citizens.Where(c => c.DateOfDeath is null && PopulationSample.AgeOn(c.DateOfBirth, PopulationSample.Today) < 18).ToList();
        var represented = minors.Where(c => c.LegalRepresentativeId is not null).ToList();

        Assert.True(represented.Count >= minors.Count * 0.99, $"{represented.Count} of {minors.Count} minors have a legal representative");
        Assert.All(represented, c => Assert.True(PopulationSample.AgeOn(sample.ById[c.LegalRepresentativeId!].DateOfBirth, PopulationSample.Today) >= 18));
        Assert.DoesNotContain(sample.Citizens, c => c.LegalRepresentativeId is not null && PopulationSample.AgeOn(c.DateOfBirth, PopulationSample.Today) >= 18);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(40)]
    [InlineData(333)]
    public void Generate_LastHouseholdCutShort_LinksStayInsideTheOutput(int count)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var citizens = new PopulationGenerator(seed, PopulationSample.Today).Generate(count).ToList();
            var ids = citizens.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var citizen in citizens)
            {
                Assert.Contains(citizen.HeadOfHouseholdId, ids);
                Assert.All(Links(citizen).Select(l => l.Id).OfType<string>(), id => Assert.Contains(id, ids));
                Assert.False(citizen.MaritalStatus == MaritalStatus.Married && citizen.SpouseId is null, $"{citizen.Id} married without spouse");
            }
        }
    }
}
