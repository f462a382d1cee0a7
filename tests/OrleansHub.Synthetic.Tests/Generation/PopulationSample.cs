using OrleansHub.Synthetic.Formats;

namespace OrleansHub.Synthetic.Tests.Generation;

/// <summary>One generated population shared by the tests of the <c>population</c> collection: 50,000 citizens seen on 2025-06-30.</summary>
public sealed class PopulationSample
{
    public const int Size = 50_000;
    public const int Seed = 20250630;
    public static readonly DateOnly Today = new(2025, 6, 30);

    public PopulationSample()
    {
        Citizens = [.. new PopulationGenerator(Seed, Today).Generate(Size)];
        ById = Citizens.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<SyntheticCitizen> Citizens { get; }

    /// <summary>Throws while building if two citizens share an ID.</summary>
    public IReadOnlyDictionary<string, SyntheticCitizen> ById { get; }

    /// <summary>The 63 province codes of birth registration, as DOMAIN.md lists them.</summary>
    public static readonly HashSet<string> ProvinceCodes =
    [
        .. ("001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 040 042 044 045 046 048 "
            + "049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096").Split(' '),
    ];

    /// <summary>The population written as NDJSON with the production writer.</summary>
    public static byte[] Ndjson(int seed, int count, DateOnly today)
    {
        using var stream = new MemoryStream();
        using (var writer = new NdjsonCitizenWriter(stream, leaveOpen: true))
        {
            foreach (var citizen in new PopulationGenerator(seed, today).Generate(count))
            {
                writer.Write(citizen);
            }
        }

        return stream.ToArray();
    }

    public static int AgeOn(DateOnly dateOfBirth, DateOnly date)
    {
        var age = date.Year - dateOfBirth.Year;
        return dateOfBirth.AddYears(age) > date ? age - 1 : age;
    }
}

[CollectionDefinition(Name)]
public sealed class PopulationCollection : ICollectionFixture<PopulationSample>
{
    public const string Name = "population";
}
