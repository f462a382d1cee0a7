using OrleansHub.Synthetic.Households;
using OrleansHub.Synthetic.Numbering;
using OrleansHub.Synthetic.Randomness;

namespace OrleansHub.Synthetic;

/// <summary>
/// A deterministic synthetic population of Vietnamese citizens, generated household by household so memory stays flat for
/// any count. The same seed, count and <c>today</c> always yield the same records in the same order.
/// </summary>
public sealed class PopulationGenerator(int seed, DateOnly today)
{
    /// <summary>Births run from this day to the day before <see cref="Today"/>.</summary>
    public static readonly DateOnly EarliestBirth = new(1925, 1, 1);

    private const ulong HouseholdStream = 0x686F7573;
    private const ulong NumberStream = 0x6E756D62;

    public int Seed { get; } = seed;

    /// <summary>The day the population is seen on: no one is born on or after it, no one dies after it.</summary>
    public DateOnly Today { get; } = today > EarliestBirth.AddYears(1)
        ? today
        : throw new ArgumentOutOfRangeException(nameof(today), today, "Today must be at least a year after the earliest birth date (1925-01-01).");

    /// <summary>
    /// Streams <paramref name="count"/> citizens: each household's head first, then its other members. Family links point at
    /// citizens of the same output; the last household is cut short when needed. Every enumeration starts afresh.
    /// </summary>
    public IEnumerable<SyntheticCitizen> Generate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Stream(count);
    }

    private IEnumerable<SyntheticCitizen> Stream(int count)
    {
        // Separate streams for household contents and for number sequences, both derived from the seed.
        var seed = (ulong)(uint)Seed;
        var builder = new HouseholdBuilder(SeededRandom.Mix(seed, HouseholdStream), Today, new DocumentNumbers(SeededRandom.Mix(seed, NumberStream)));
        var household = new List<SyntheticCitizen>(16);
        var produced = 0;
        for (long index = 0; produced < count; index++)
        {
            builder.Build(index, count - produced, household);
            foreach (var citizen in household)
            {
                yield return citizen;
            }

            produced += household.Count;
        }
    }
}
