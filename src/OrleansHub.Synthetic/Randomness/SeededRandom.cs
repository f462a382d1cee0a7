namespace OrleansHub.Synthetic.Randomness;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Unlike <see cref="Random"/>, whose algorithm is unspecified, it yields the same
/// numbers on every platform and .NET version, so a seed reproduces a population byte for byte. Integer arithmetic only.
/// </summary>
internal sealed class SeededRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SeededRandom(ulong seed)
    {
        _s0 = Scramble(seed += Golden);
        _s1 = Scramble(seed += Golden);
        _s2 = Scramble(seed += Golden);
        _s3 = Scramble(seed + Golden);
    }

    /// <summary>A well-mixed 64-bit hash of two values: derives independent streams and keys from one seed.</summary>
    public static ulong Mix(ulong a, ulong b) => Scramble(Scramble(a + Golden) ^ (b * Golden));

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive) => (int)Math.BigMul(NextUInt64(), (ulong)maxExclusive, out _);

    /// <summary>A uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxInclusive"/>].</summary>
    public int Between(int minInclusive, int maxInclusive) => minInclusive + Next(maxInclusive - minInclusive + 1);

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>A uniform date in [<paramref name="first"/>, <paramref name="last"/>]; <paramref name="first"/> when the range is empty.</summary>
    public DateOnly DateBetween(DateOnly first, DateOnly last) =>
        last <= first ? first : DateOnly.FromDayNumber(first.DayNumber + Next(last.DayNumber - first.DayNumber + 1));

    private static ulong Scramble(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
