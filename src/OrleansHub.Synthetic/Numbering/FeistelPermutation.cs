using OrleansHub.Synthetic.Randomness;

namespace OrleansHub.Synthetic.Numbering;

/// <summary>
/// A keyed bijection on [0, side²): a four-round Feistel network over two base-<c>side</c> halves. Counting 0, 1, 2, …
/// through it yields numbers that look random yet never repeat, with no set of used numbers to remember.
/// </summary>
internal readonly struct FeistelPermutation(ulong key, long side)
{
    private const int Rounds = 4;

    public long Size => side * side;

    public long Apply(long value)
    {
        long left = value / side, right = value % side;
        for (var round = 0; round < Rounds; round++)
        {
            var next = (left + (long)(SeededRandom.Mix(key + (ulong)round, (ulong)right) % (ulong)side)) % side;
            left = right;
            right = next;
        }

        return (left * side) + right;
    }

    /// <summary>A bijection on [0, <paramref name="limit"/>) for any limit up to <see cref="Size"/> (cycle walking).</summary>
    public long Apply(long value, long limit)
    {
        var result = Apply(value);
        while (result >= limit)
        {
            result = Apply(result);
        }

        return result;
    }
}
