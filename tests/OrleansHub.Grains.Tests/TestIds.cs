using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Tests;

/// <summary>Fresh, structurally valid ID numbers so each test owns its citizens: none is handed out twice in a test run.</summary>
public static class TestIds
{
    private static readonly HashSet<string> Handed = [];

    /// <summary>A random ID for someone born in <paramref name="birthYear"/> with <paramref name="sex"/>, in a random province.</summary>
    public static PersonalId NewCitizen(int birthYear, Sex sex)
    {
        var province = Provinces.Codes.ElementAt(Random.Shared.Next(Provinces.Codes.Count));
        var century = ((birthYear - 1900) / 100 * 2) + (int)sex;
        while (true)
        {
            var id = $"{province}{century}{birthYear % 100:D2}{Random.Shared.Next(1_000_000):D6}";
            lock (Handed)
            {
                if (Handed.Add(id))
                {
                    return PersonalId.Parse(id);
                }
            }
        }
    }
}
