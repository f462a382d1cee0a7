using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Grains.Fees;

/// <summary>Why a schedule was not published or replaced.</summary>
public enum ScheduleRefusal
{
    None = 0,

    /// <summary>It would begin today or earlier: a schedule begins tomorrow (fee calendar) at the earliest.</summary>
    StartsTooSoon,

    /// <summary>It would begin on a day another schedule already prices.</summary>
    Overlaps,

    /// <summary>It would leave days between the last schedule's end and its start unpriced.</summary>
    LeavesGap,

    /// <summary>The schedule to replace is (or was) in force: publish a new one instead.</summary>
    AlreadyInEffect,

    /// <summary>Only the latest schedule, not yet in force, may be replaced.</summary>
    NotTheLatest,

    UnknownVersion,
}

/// <summary>A schedule as the operator proposes it.</summary>
public sealed record FeeScheduleDraft(DateOnly EffectiveFrom, DateOnly? EffectiveUntil, IReadOnlyDictionary<string, long> PricePerFieldVnd);

/// <summary>The schedules after a publication, or why it was refused (the schedules unchanged).</summary>
public sealed record SchedulePublication(ScheduleRefusal Refusal, string? Detail, IReadOnlyList<FeeSchedule> Schedules, FeeSchedule? Published);

/// <summary>
/// What the operator may do to the fee schedules. Schedules tile the calendar without gaps or overlaps from the first
/// one on; only the future may change. Publishing after an open-ended schedule ends that one the day before the new one
/// begins (its prices and its past stay as they were); after a schedule with an end date, the new one must begin the
/// next day. The latest schedule may be replaced while it is not yet in force; one in force never changes: publish a
/// new one instead.
/// </summary>
public static class FeeScheduleRules
{
    /// <summary>The highest price per field a schedule may set (a guard against typing errors, 1,000 times today's).</summary>
    public const long MaxPricePerFieldVnd = 1_000_000;

    public static List<FieldError> Validate(FeeScheduleDraft draft)
    {
        var errors = new List<FieldError>();
        if (draft.EffectiveUntil is { } until && until < draft.EffectiveFrom)
        {
            errors.Add(new("effectiveUntil", "Must not be before effectiveFrom."));
        }

        if (draft.PricePerFieldVnd is null)
        {
            errors.Add(new("pricePerFieldVnd", "Give the price per field of every product."));
            return errors;
        }

        foreach (var product in FeeProducts.All.Where(p => !draft.PricePerFieldVnd.ContainsKey(p)))
        {
            errors.Add(new($"pricePerFieldVnd.{product}", "Missing: every schedule prices every product."));
        }

        foreach (var (product, price) in draft.PricePerFieldVnd)
        {
            if (!FeeProducts.All.Contains(product, StringComparer.Ordinal))
            {
                errors.Add(new($"pricePerFieldVnd.{product}", $"Not a product code the hub sells ({string.Join(", ", FeeProducts.All)})."));
            }
            else if (price is < 0 or > MaxPricePerFieldVnd)
            {
                errors.Add(new($"pricePerFieldVnd.{product}", $"Must be a whole number of đồng from 0 to {MaxPricePerFieldVnd:N0}."));
            }
        }

        return errors;
    }

    /// <summary>Appends <paramref name="draft"/> after the latest schedule; <paramref name="today"/> is today's fee-calendar date.</summary>
    public static SchedulePublication Publish(IReadOnlyList<FeeSchedule> schedules, FeeScheduleDraft draft, DateOnly today)
    {
        var ordered = schedules.OrderBy(s => s.EffectiveFrom).ToList();
        if (draft.EffectiveFrom <= today)
        {
            return Refused(ScheduleRefusal.StartsTooSoon, $"A schedule begins on {today.AddDays(1):yyyy-MM-dd} at the earliest.", ordered);
        }

        var latest = ordered.Count > 0 ? ordered[^1] : null;
        if (latest is not null)
        {
            var latestEnd = latest.EffectiveUntil;
            if (draft.EffectiveFrom <= latest.EffectiveFrom || (latestEnd is not null && draft.EffectiveFrom <= latestEnd))
            {
                return Refused(ScheduleRefusal.Overlaps, $"Schedule {latest.Version} already prices {draft.EffectiveFrom:yyyy-MM-dd}.", ordered);
            }

            if (latestEnd is not null && draft.EffectiveFrom > latestEnd.Value.AddDays(1))
            {
                return Refused(ScheduleRefusal.LeavesGap,
                    $"Schedule {latest.Version} ends on {latestEnd:yyyy-MM-dd}: the next one must begin on {latestEnd.Value.AddDays(1):yyyy-MM-dd}.", ordered);
            }

            ordered[^1] = latest with { EffectiveUntil = draft.EffectiveFrom.AddDays(-1) };
        }

        var published = new FeeSchedule(ordered.Count == 0 ? 1 : ordered.Max(s => s.Version) + 1, draft.EffectiveFrom, draft.EffectiveUntil, Copy(draft));
        ordered.Add(published);
        return new(ScheduleRefusal.None, null, ordered, published);
    }

    /// <summary>Replaces schedule <paramref name="version"/>, which must be the latest and not yet in force.</summary>
    public static SchedulePublication Replace(IReadOnlyList<FeeSchedule> schedules, int version, FeeScheduleDraft draft, DateOnly today)
    {
        var ordered = schedules.OrderBy(s => s.EffectiveFrom).ToList();
        var index = ordered.FindIndex(s => s.Version == version);
        if (index < 0)
        {
            return Refused(ScheduleRefusal.UnknownVersion, $"No schedule has version {version}.", ordered);
        }

        if (ordered[index].EffectiveFrom <= today)
        {
            return Refused(ScheduleRefusal.AlreadyInEffect,
                $"Schedule {version} has been in force since {ordered[index].EffectiveFrom:yyyy-MM-dd} and never changes: publish a new schedule instead.", ordered);
        }

        if (index != ordered.Count - 1)
        {
            return Refused(ScheduleRefusal.NotTheLatest, $"Only the latest schedule ({ordered[^1].Version}) may be replaced.", ordered);
        }

        if (draft.EffectiveFrom <= today)
        {
            return Refused(ScheduleRefusal.StartsTooSoon, $"A schedule begins on {today.AddDays(1):yyyy-MM-dd} at the earliest.", ordered);
        }

        if (index > 0 && draft.EffectiveFrom <= ordered[index - 1].EffectiveFrom)
        {
            return Refused(ScheduleRefusal.Overlaps, $"Schedule {ordered[index - 1].Version} begins on {ordered[index - 1].EffectiveFrom:yyyy-MM-dd}; this one must begin later.", ordered);
        }

        if (index > 0)
        {
            ordered[index - 1] = ordered[index - 1] with { EffectiveUntil = draft.EffectiveFrom.AddDays(-1) };
        }

        var replaced = new FeeSchedule(version, draft.EffectiveFrom, draft.EffectiveUntil, Copy(draft));
        ordered[index] = replaced;
        return new(ScheduleRefusal.None, null, ordered, replaced);
    }

    private static SchedulePublication Refused(ScheduleRefusal refusal, string detail, IReadOnlyList<FeeSchedule> schedules) => new(refusal, detail, schedules, null);

    private static Dictionary<string, long> Copy(FeeScheduleDraft draft) => new(draft.PricePerFieldVnd, StringComparer.Ordinal);
}
