namespace OrleansHub.Synthetic.Randomness;

/// <summary>Picks items with probability proportional to their weights (binary search over cumulative weights).</summary>
internal sealed class WeightedTable<T>
{
    private readonly T[] _items;
    private readonly double[] _cumulative;

    public WeightedTable(IEnumerable<(T Item, double Weight)> entries)
    {
        var list = entries.Where(e => e.Weight > 0).ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("A weighted table needs at least one entry with a positive weight.", nameof(entries));
        }

        _items = new T[list.Length];
        _cumulative = new double[list.Length];
        var total = 0.0;
        for (var i = 0; i < list.Length; i++)
        {
            total += list[i].Weight;
            _items[i] = list[i].Item;
            _cumulative[i] = total;
        }
    }

    public IReadOnlyList<T> Items => _items;

    public T Pick(SeededRandom random)
    {
        var target = random.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, target);
        index = index < 0 ? ~index : index + 1;
        return _items[Math.Min(index, _items.Length - 1)];
    }
}

/// <summary>Shorthand for building tables from tuples.</summary>
internal static class WeightedTable
{
    public static WeightedTable<T> Of<T>(params (T Item, double Weight)[] entries) => new(entries);
}
