using System.Text;
using System.Text.Json;
using OrleansHub.Synthetic.Formats;
using OrleansHub.Synthetic.Tests.Generation;

namespace OrleansHub.Synthetic.Tests.Formats;

public sealed class NdjsonCitizenWriterTests
{
    private static readonly string[] _documentedKeys =
    [
        "id", "fullName", "otherNames", "dateOfBirth", "sex", "placeOfBirth", "hometown", "ethnicity", "religion", "nationality", "bloodType",
        "permanentResidence", "residenceProvince", "currentResidence", "temporaryResidence", "maritalStatus", "fatherId", "fatherName",
        "motherId", "motherName", "spouseId", "spouseName", "legalRepresentativeId", "legalRepresentativeName", "headOfHouseholdId",
        "relationshipToHead", "dateOfDeath", "eIdLevel", "healthInsuranceNumber", "socialInsuranceNumber", "taxCode", "drivingLicences",
        "vehicleRegistrations", "card",
    ];

    private static readonly byte[] _bytes = PopulationSample.Ndjson(3, 3_000, PopulationSample.Today);

    [Fact]
    public void Write_EveryLine_OneObjectWithExactlyTheDocumentedKeysInOrder()
    {
        var lines = Encoding.UTF8.GetString(_bytes).Split('\n');

        Assert.Equal(3_001, lines.Length);
        Assert.Equal("", lines[^1]);
        foreach (var line in lines[..^1])
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            Assert.Equal(_documentedKeys, root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.Array, root.GetProperty("drivingLicences").ValueKind);
            Assert.Equal(JsonValueKind.Array, root.GetProperty("vehicleRegistrations").ValueKind);
            var card = root.GetProperty("card");
            if (card.ValueKind != JsonValueKind.Null)
            {
                Assert.Equal(["number", "issuedOn", "expiresOn", "issuedBy"], card.EnumerateObject().Select(p => p.Name));
            }
        }
    }

    [Fact]
    public void Write_Values_UseTheContractsSpelling()
    {
        foreach (var line in Encoding.UTF8.GetString(_bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            Assert.Contains(root.GetProperty("sex").GetString(), new[] { "male", "female" });
            Assert.Contains(root.GetProperty("maritalStatus").GetString(), new[] { "single", "married", "divorced", "widowed" });
            Assert.Contains(root.GetProperty("eIdLevel").GetString(), new[] { "none", "level1", "level2" });
            Assert.Contains(root.GetProperty("relationshipToHead").GetString(), new[] { "head", "spouse", "child", "parent", "sibling", "other" });
            Assert.True(DateOnly.TryParseExact(root.GetProperty("dateOfBirth").GetString(), "yyyy-MM-dd", out _));
        }
    }

    [Fact]
    public void Write_Output_Utf8WithoutBomLfOnlyAndVietnameseUnescaped()
    {
        var text = Encoding.UTF8.GetString(_bytes);

        Assert.NotEqual(0xEF, _bytes[0]);
        Assert.DoesNotContain('\r', text);
        Assert.DoesNotContain("\\u", text, StringComparison.Ordinal);
        Assert.Contains("\"nationality\":\"VN\"", text, StringComparison.Ordinal);
        Assert.Contains("Cục Cảnh sát quản lý hành chính về trật tự xã hội", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_AbsentValues_WrittenAsNullNotOmitted()
    {
        var citizen = new PopulationGenerator(1, PopulationSample.Today).Generate(200).First(c => c.Card is null && c.SpouseId is null && c.DateOfDeath is null);
        using var stream = new MemoryStream();
        using (var writer = new NdjsonCitizenWriter(stream, leaveOpen: true))
        {
            writer.Write(citizen);
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("card").ValueKind);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("spouseId").ValueKind);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("dateOfDeath").ValueKind);
    }

    [Fact]
    public void Write_TrickyText_SurvivesAJsonRoundTrip()
    {
        const string Tricky = "Bé \"Út\", Hai\nBa \\ tư";
        var citizen = new PopulationGenerator(1, PopulationSample.Today).Generate(1).Single() with { OtherNames = Tricky };
        using var stream = new MemoryStream();
        using (var writer = new NdjsonCitizenWriter(stream, leaveOpen: true))
        {
            writer.Write(citizen);
        }

        var bytes = stream.ToArray();
        Assert.Equal(1, bytes.Count(b => b == (byte)'\n'));
        using var document = JsonDocument.Parse(bytes);
        Assert.Equal(Tricky, document.RootElement.GetProperty("otherNames").GetString());
    }
}
