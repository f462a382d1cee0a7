namespace OrleansHub.Grains.Fees;

/// <summary>
/// One version of the fee schedule: the price per field of each product, in force from <see cref="EffectiveFrom"/>
/// through <see cref="EffectiveUntil"/> (inclusive; null: until a later schedule begins). Dates are fee-calendar dates
/// (<see cref="FeeCalendar"/>).
/// </summary>
public sealed record FeeSchedule(int Version, DateOnly EffectiveFrom, DateOnly? EffectiveUntil, IReadOnlyDictionary<string, long> PricePerFieldVnd)
{
    public bool Covers(DateOnly date) => date >= EffectiveFrom && (EffectiveUntil is null || date <= EffectiveUntil);

    /// <summary>The statutory schedules (Circular 48/2022/TT-BTC): VND 500 per field (50% reduction) to 2023-12-31, VND 1,000 from 2024-01-01.</summary>
    public static readonly IReadOnlyList<FeeSchedule> BuiltIn =
    [
        new(1, new DateOnly(2022, 9, 17), new DateOnly(2023, 12, 31), Prices(500)),
        new(2, new DateOnly(2024, 1, 1), null, Prices(1_000)),
    ];

    private static Dictionary<string, long> Prices(long perField) => FeeProducts.All.ToDictionary(p => p, _ => perField, StringComparer.Ordinal);
}
