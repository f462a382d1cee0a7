namespace OrleansHub.Synthetic.Tests.Generation;

[Collection(PopulationCollection.Name)]
public sealed class DateTests(PopulationSample sample)
{
    [Fact]
    public void DatesOfBirth_From1925ToTheDayBeforeToday()
    {
        Assert.All(sample.Citizens, c => Assert.InRange(c.DateOfBirth, new DateOnly(1925, 1, 1), PopulationSample.Today.AddDays(-1)));
    }

    [Fact]
    public void DatesOfDeath_AfterBirthAndNotAfterToday()
    {
        Assert.All(sample.Citizens.Where(c => c.DateOfDeath is not null), c => Assert.InRange(c.DateOfDeath!.Value, c.DateOfBirth.AddDays(1), PopulationSample.Today));
    }

    [Fact]
    public void Deaths_AboutSixInAThousand_AndTheyKeepTheirRecords()
    {
        var deceased = sample.Citizens.Count(c => c.DateOfDeath is not null);

        Assert.InRange(deceased, PopulationSample.Size * 3 / 1000, PopulationSample.Size * 10 / 1000);
    }

    [Fact]
    public void AgePyramid_ChildrenAndElderlyInRealisticShares()
    {
        var ages = sample.Citizens.Select(c => PopulationSample.AgeOn(c.DateOfBirth, PopulationSample.Today)).ToList();
        var children = ages.Count(a => a < 15) / (double)ages.Count;
        var elderly = ages.Count(a => a >= 65) / (double)ages.Count;
        var centenarians = ages.Count(a => a >= 100);

        // Vietnam: about a quarter under 15, under a tenth aged 65 and over.
        Assert.InRange(children, 0.16, 0.30);
        Assert.InRange(elderly, 0.05, 0.13);
        Assert.True(centenarians < ages.Count / 1000, $"{centenarians} centenarians");
    }

    [Fact]
    public void Today_ChangesWhatIsGenerated_NoOneBornOnOrAfterIt()
    {
        var earlier = new DateOnly(2001, 1, 1);
        var citizens = new PopulationGenerator(PopulationSample.Seed, earlier).Generate(5_000).ToList();

        Assert.All(citizens, c => Assert.True(c.DateOfBirth < earlier));
        Assert.All(citizens, c => Assert.True(c.DateOfDeath is not { } died || died <= earlier));
        Assert.All(citizens.Where(c => c.Card is not null), c => Assert.True(c.Card!.IssuedOn <= earlier));
    }
}
