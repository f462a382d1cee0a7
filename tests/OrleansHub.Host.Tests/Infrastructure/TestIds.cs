namespace OrleansHub.Host.Tests.Infrastructure;

/// <summary>
/// Fresh, valid ID numbers (born 1990, male, Hà Nội) so each test owns its citizens. No number is handed out twice in a
/// test run, and none falls in the range below 100000 that tests write by hand (001090001234 and the like).
/// </summary>
public static class TestIds
{
    public const string DateOfBirth = "1990-04-12";
    public const string Sex = "male";

    private static readonly HashSet<int> Handed = [];

    public static string NewCitizen()
    {
        while (true)
        {
            var serial = Random.Shared.Next(100_000, 1_000_000);
            lock (Handed)
            {
                if (Handed.Add(serial))
                {
                    return $"001090{serial:D6}";
                }
            }
        }
    }
}
