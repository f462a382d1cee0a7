namespace OrleansHub.Synthetic.Tests.Generation;

[Collection(PopulationCollection.Name)]
public sealed class CardTests(PopulationSample sample)
{
    [Theory]
    [InlineData("1990-03-15", "2021-06-01", "2030-03-15")] // at 31: valid to the 40th birthday
    [InlineData("1990-03-15", "2004-03-15", "2015-03-15")] // first card at 14: to the 25th birthday
    [InlineData("1990-03-15", "2013-03-14", "2015-03-15")] // the day before the 23rd birthday: still to 25
    [InlineData("1990-03-15", "2013-03-15", "2030-03-15")] // from the 23rd birthday: counts as the 25 renewal
    [InlineData("1990-03-15", "2028-03-14", "2030-03-15")] // just before 38: to 40
    [InlineData("1990-03-15", "2028-03-15", "2050-03-15")] // from 38: to 60
    [InlineData("1960-07-01", "2017-06-30", "2020-07-01")] // just before 58: to 60
    [InlineData("1960-07-01", "2018-07-01", null)] // from 58: for life
    [InlineData("1940-01-20", "2021-09-09", null)] // over 60: for life
    public void CardExpiry_RenewalAgesWithTwoYearGrace(string born, string issued, string? expires)
    {
        Assert.Equal(expires is null ? null : DateOnly.Parse(expires, null), CardExpiry.For(DateOnly.Parse(born, null), DateOnly.Parse(issued, null)));
    }

    [Fact]
    public void Cards_LivingFromFourteen_EveryoneHasOne_YoungerChildrenNone()
    {
        foreach (var citizen in sample.Citizens.Where(c => c.DateOfDeath is null))
        {
            var age = PopulationSample.AgeOn(citizen.DateOfBirth, PopulationSample.Today);
            Assert.Equal(age >= 14, citizen.Card is not null);
        }
    }

    [Fact]
    public void Cards_IssuedBetweenFourteenthBirthdayAndTodayOrDeath_ExpiryByTheRule()
    {
        foreach (var citizen in sample.Citizens.Where(c => c.Card is not null))
        {
            var card = citizen.Card!;
            Assert.InRange(card.IssuedOn, citizen.DateOfBirth.AddYears(14), citizen.DateOfDeath ?? PopulationSample.Today);
            Assert.Equal(CardExpiry.For(citizen.DateOfBirth, card.IssuedOn), card.ExpiresOn);
            Assert.Equal("Cục Cảnh sát quản lý hành chính về trật tự xã hội", card.IssuedBy);
            if (card.ExpiresOn is { } expires)
            {
                Assert.True(expires > card.IssuedOn);
            }
        }
    }

    [Fact]
    public void Cards_LivingHolders_MostStillValid()
    {
        var held = sample.Citizens.Where(c => c.Card is not null && c.DateOfDeath is null).ToList();
        var valid = held.Count(c => c.Card!.ExpiresOn is not { } expires || expires >= PopulationSample.Today);

        Assert.True(valid > held.Count * 0.9, $"{valid} of {held.Count} cards valid");
        Assert.Contains(held, c => c.Card!.ExpiresOn is null);
    }
}
