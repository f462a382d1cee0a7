namespace OrleansHub.Host.Tests.Infrastructure;

/// <summary>Fresh, valid ID numbers (born 1990, male, Hà Nội) so each test owns its citizens.</summary>
public static class TestIds
{
    public const string DateOfBirth = "1990-04-12";
    public const string Sex = "male";

    public static string NewCitizen() => $"001090{Random.Shared.Next(1_000_000):D6}";
}
