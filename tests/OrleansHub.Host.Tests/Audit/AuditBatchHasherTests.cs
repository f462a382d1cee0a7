using OrleansHub.Grains.Fees;
using OrleansHub.Host.Audit;

namespace OrleansHub.Host.Tests.Audit;

public sealed class AuditBatchHasherTests
{
    private static readonly Guid Chain = Guid.CreateVersion7();

    [Fact]
    public void Finish_SameBatchTwice_GivesTheSameHash()
    {
        var entry = AuditEntries.New();

        Assert.Equal(Hash(1, entry), Hash(1, entry));
    }

    [Fact]
    public void Finish_AnyValueChanged_GivesAnotherHash()
    {
        var entry = AuditEntries.New(outcome: AuditOutcome.Allowed);
        var changed = new[]
        {
            entry with { Id = Guid.NewGuid() },
            entry with { At = entry.At.AddTicks(10) },
            entry with { AgencyCode = null },
            entry with { CitizenId = entry.CitizenId + "0" },
            entry with { Operation = "verify" },
            entry with { Purpose = null },
            entry with { Fields = [.. entry.Fields, "spouse"] },
            entry with { Outcome = AuditOutcome.Denied },
            entry with { Reason = "" },
            entry with { Fee = entry.Fee! with { Vnd = 0 } },
            entry with { Fee = entry.Fee! with { Product = FeeProducts.Verification } },
            entry with { Fee = entry.Fee! with { Fields = 4 } },
            entry with { Fee = entry.Fee! with { Exempt = true } },
            entry with { Fee = entry.Fee! with { Schedule = 1 } },
            entry with { Fee = null },
            entry with { RequestId = "other" },
        };

        var original = Hash(1, entry);

        Assert.All(changed, c => Assert.NotEqual(original, Hash(1, c)));
        Assert.NotEqual(original, Hash(2, entry));
    }

    [Fact]
    public void Finish_TextMovedBetweenAdjacentValues_GivesAnotherHash()
    {
        var entry = AuditEntries.New() with { Operation = "ab", Purpose = "c" };

        Assert.NotEqual(Hash(1, entry), Hash(1, entry with { Operation = "a", Purpose = "bc" }));
        Assert.NotEqual(Hash(1, entry with { Fields = ["ab", "c"] }), Hash(1, entry with { Fields = ["a", "bc"] }));
    }

    [Fact]
    public void Finish_EntriesReordered_GivesAnotherHash()
    {
        var (first, second) = (AuditEntries.New(), AuditEntries.New());

        Assert.NotEqual(Hash(1, first, second), Hash(1, second, first));
    }

    private static byte[] Hash(long sequence, params AuditEntry[] entries)
    {
        using var hasher = new AuditBatchHasher();
        hasher.Begin(Chain, sequence, AuditBatchHasher.Genesis, entries.Length);
        foreach (var entry in entries)
        {
            hasher.Add(entry);
        }

        return hasher.Finish();
    }
}
