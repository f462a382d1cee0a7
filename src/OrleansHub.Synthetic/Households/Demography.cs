using OrleansHub.Synthetic.Randomness;
using OrleansHub.Synthetic.Tables;

namespace OrleansHub.Synthetic.Households;

/// <summary>
/// The shares that shape households and the age pyramid. Approximations of public figures (2019 census: 3.5 people per
/// household, a quarter of the population under 15, 7.7% aged 65+), tuned so the generated pyramid lands near them.
/// </summary>
internal static class Demography
{
    /// <summary>Where births are registered: provinces by population.</summary>
    public static readonly WeightedTable<Province> Population =
        new(Provinces.All.Select(p => (p, (double)p.PopulationThousands)));

    /// <summary>Where migrants settle: the two big cities and the industrial provinces around them.</summary>
    public static readonly WeightedTable<Province> Migration = new(new (string Code, double Weight)[]
    {
        ("079", 35), ("001", 20), ("074", 15), ("075", 8), ("048", 4), ("027", 4), ("031", 3), ("092", 3), ("077", 3),
        ("056", 2), ("022", 2), ("019", 1),
    }.Select(m => (Provinces.ByCode(m.Code), m.Weight)));

    /// <summary>Age of the head of household: first age of a band, band width, weight.</summary>
    private static readonly WeightedTable<(int From, int Width)> _headAges = WeightedTable.Of(
        ((18, 2), 0.6), ((20, 5), 2.5), ((25, 5), 6.5), ((30, 5), 10), ((35, 5), 11), ((40, 5), 11), ((45, 5), 11), ((50, 5), 10.5),
        ((55, 5), 9.5), ((60, 5), 8.5), ((65, 5), 5.5), ((70, 5), 3.2), ((75, 5), 2), ((80, 5), 1.2), ((85, 10), 0.7));

    public static int HeadAge(SeededRandom random)
    {
        var (from, width) = _headAges.Pick(random);
        return from + random.Next(width);
    }

    /// <summary>Marital status of a head of household by age.</summary>
    public static MaritalStatus HeadMaritalStatus(SeededRandom random, int age)
    {
        var (single, married, divorced, widowed) = age switch
        {
            < 25 => (0.62, 0.35, 0.03, 0.0),
            < 30 => (0.28, 0.67, 0.05, 0.0),
            < 60 => (0.04, 0.85, 0.06, 0.05),
            < 70 => (0.02, 0.74, 0.05, 0.19),
            < 80 => (0.02, 0.58, 0.03, 0.37),
            _ => (0.02, 0.34, 0.02, 0.62),
        };
        var draw = random.NextDouble() * (single + married + divorced + widowed);
        return draw < single ? MaritalStatus.Single
            : draw < single + married ? MaritalStatus.Married
            : draw < single + married + divorced ? MaritalStatus.Divorced
            : MaritalStatus.Widowed;
    }

    /// <summary>Children ever born to a mother of the given birth cohort (fertility fell from ~5 in 1960s cohorts to ~2).</summary>
    public static int BirthCount(SeededRandom random, int motherBirthYear) => motherBirthYear switch
    {
        < 1955 => random.Between(3, 6),
        < 1965 => random.Between(2, 5),
        < 1975 => random.Between(1, 4),
        _ => random.Chance(0.2) ? 1 : random.Chance(0.75) ? 2 : 3,
    };

    /// <summary>Whether a child of this age still lives in the parents' household.</summary>
    public static bool ChildLivesAtHome(SeededRandom random, int age) => random.Chance(age switch
    {
        < 18 => 0.97,
        < 23 => 0.75,
        < 30 => 0.4,
        < 40 => 0.15,
        _ => 0.05,
    });

    /// <summary>Chance that someone of this age has died within the last few years; about 0.6% overall.</summary>
    public static double DeathChance(int age) => age switch
    {
        < 40 => 0.001,
        < 60 => 0.0035,
        < 70 => 0.014,
        < 80 => 0.04,
        < 90 => 0.09,
        _ => 0.18,
    };

    /// <summary>e-ID account level: over 62 M accounts for about 80 M people aged 14 or more; children rarely have one.</summary>
    public static EIdLevel EIdLevelFor(SeededRandom random, int age)
    {
        var (level2, level1) = age switch
        {
            < 14 => (0.05, 0.02),
            < 18 => (0.55, 0.15),
            < 80 => (0.72, 0.10),
            _ => (0.30, 0.10),
        };
        var draw = random.NextDouble();
        return draw < level2 ? EIdLevel.Level2 : draw < level2 + level1 ? EIdLevel.Level1 : EIdLevel.None;
    }
}
