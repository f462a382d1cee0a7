using System.Text;
using OrleansHub.Synthetic.Formats;

namespace OrleansHub.Synthetic.Tests.Generation;

public sealed class DeterminismTests
{
    private static readonly DateOnly _today = new(2025, 6, 30);

    [Fact]
    public void Generate_SameSeedCountAndToday_ByteIdenticalNdjson()
    {
        var first = PopulationSample.Ndjson(7, 5_000, _today);
        var second = PopulationSample.Ndjson(7, 5_000, _today);

        Assert.True(first.Length > 5_000 * 500, "each line carries a full record");
        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_SameSeed_ByteIdenticalCsv()
    {
        static byte[] Csv()
        {
            using var stream = new MemoryStream();
            using (var writer = new CsvCitizenWriter(stream, leaveOpen: true))
            {
                foreach (var citizen in new PopulationGenerator(11, _today).Generate(3_000))
                {
                    writer.Write(citizen);
                }
            }

            return stream.ToArray();
        }

        Assert.Equal(Csv(), Csv());
    }

    [Fact]
    public void Generate_DifferentSeed_DifferentOutput()
    {
        var first = Encoding.UTF8.GetString(PopulationSample.Ndjson(7, 2_000, _today)).Split('\n');
        var second = Encoding.UTF8.GetString(PopulationSample.Ndjson(8, 2_000, _today)).Split('\n');

        // Not merely a different byte somewhere: hardly a line is shared.
        Assert.True(first.Intersect(second).Count() < 10);
    }

    [Fact]
    public void Generate_EnumeratedTwice_SameCitizens()
    {
        var citizens = new PopulationGenerator(5, _today).Generate(1_000);

        Assert.Equal(citizens.Select(c => c.Id), citizens.Select(c => c.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(1_000)]
    public void Generate_Count_YieldsExactlyThatMany(int count)
    {
        Assert.Equal(count, new PopulationGenerator(3, _today).Generate(count).Count());
    }

    [Fact]
    public void Generate_NegativeCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PopulationGenerator(3, _today).Generate(-1));
    }
}
