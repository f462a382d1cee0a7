using System.Text.Json;

namespace OrleansHub.Ops.Tests.Live;

/// <summary>What the two production-mode silos of the live check wrote to their console after real traffic.</summary>
[Collection(ObservedHubCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class SiloLogTests(ObservedHub hub)
{
    [Fact]
    public void Console_InProduction_IsOneJsonObjectPerLine()
    {
        foreach (var silo in hub.Silos)
        {
            var lines = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.NotEmpty(lines);
            Assert.All(lines, line =>
            {
                using var entry = JsonDocument.Parse(line);
                Assert.True(entry.RootElement.TryGetProperty("Timestamp", out _), line);
                Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
                Assert.True(entry.RootElement.TryGetProperty("Category", out _), line);
            });
        }
    }

    [Fact]
    public void Console_AfterLookups_NamesNoCitizen()
    {
        foreach (var silo in hub.Silos)
        {
            Assert.All(hub.CitizenIds, id => Assert.DoesNotContain(id, silo.Output, StringComparison.Ordinal));
            Assert.DoesNotContain("Nguyễn", silo.Output, StringComparison.Ordinal);
        }
    }
}
