using System.Text;
using System.Text.Json;
using OrleansHub.Synthetic.Formats;
using OrleansHub.Synthetic.Tests.Generation;

namespace OrleansHub.Synthetic.Tests.Formats;

public sealed class CsvCitizenWriterTests
{
    private static string WriteCsv(IEnumerable<SyntheticCitizen> citizens)
    {
        using var stream = new MemoryStream();
        using (var writer = new CsvCitizenWriter(stream, leaveOpen: true))
        {
            foreach (var citizen in citizens)
            {
                writer.Write(citizen);
            }
        }

        var bytes = stream.ToArray();
        Assert.NotEqual(0xEF, bytes[0]);
        return Encoding.UTF8.GetString(bytes);
    }

    [Fact]
    public void Write_Header_TheJsonKeysWithTheCardFlattened()
    {
        var rows = CsvTestReader.Read(WriteCsv([]));

        var header = Assert.Single(rows);
        Assert.Equal("id", header[0]);
        Assert.Equal(["drivingLicences", "vehicleRegistrations", "cardNumber", "cardIssuedOn", "cardExpiresOn", "cardIssuedBy"], header[^6..]);
        Assert.Equal(37, header.Count);
    }

    [Fact]
    public void Write_CommaQuoteAndNewline_RoundTripThroughAnRfc4180Reader()
    {
        const string Tricky = "Bé \"Út\", Hai\nBa";
        var citizen = new PopulationGenerator(1, PopulationSample.Today).Generate(1).Single() with
        {
            OtherNames = Tricky,
            PermanentResidence = "Số 12, ngõ 34 phố Huế, phường Bạch Đằng, quận Hai Bà Trưng, Hà Nội",
        };

        var rows = CsvTestReader.Read(WriteCsv([citizen]));

        Assert.Equal(2, rows.Count);
        var cells = rows[0].Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(Tricky, cells["otherNames"]);
        Assert.Equal(citizen.PermanentResidence, cells["permanentResidence"]);
        Assert.Equal(citizen.FullName, cells["fullName"]);
    }

    [Fact]
    public void Write_GeneratedPopulation_EveryCellMatchesTheNdjsonValue()
    {
        var citizens = new PopulationGenerator(9, PopulationSample.Today).Generate(2_000).ToList();
        var rows = CsvTestReader.Read(WriteCsv(citizens));
        var ndjson = PopulationSample.Ndjson(9, 2_000, PopulationSample.Today);
        var lines = Encoding.UTF8.GetString(ndjson).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(citizens.Count + 1, rows.Count);
        var header = rows[0];
        for (var i = 0; i < lines.Length; i++)
        {
            using var document = JsonDocument.Parse(lines[i]);
            var expected = Flatten(document.RootElement);
            Assert.Equal(header.Count, rows[i + 1].Count);
            for (var column = 0; column < header.Count; column++)
            {
                Assert.Equal(expected[header[column]], rows[i + 1][column]);
            }
        }
    }

    /// <summary>An NDJSON object as the CSV should hold it: null as empty, lists joined with |, the card in four columns.</summary>
    private static Dictionary<string, string> Flatten(JsonElement root)
    {
        static string Cell(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Null => "",
            JsonValueKind.Array => string.Join('|', value.EnumerateArray().Select(v => v.GetString())),
            _ => value.GetString()!,
        };

        var cells = root.EnumerateObject().Where(p => p.Name != "card").ToDictionary(p => p.Name, p => Cell(p.Value));
        var card = root.GetProperty("card");
        foreach (var (column, key) in new[] { ("cardNumber", "number"), ("cardIssuedOn", "issuedOn"), ("cardExpiresOn", "expiresOn"), ("cardIssuedBy", "issuedBy") })
        {
            cells[column] = card.ValueKind == JsonValueKind.Null ? "" : Cell(card.GetProperty(key));
        }

        return cells;
    }
}
