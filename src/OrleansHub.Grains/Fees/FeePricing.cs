namespace OrleansHub.Grains.Fees;

/// <summary>Who asked: a state body within its mandate, a commercial party, or a citizen about their own record.</summary>
public enum Requester
{
    StateAgency = 0,
    CommercialAgency,
    CitizenSelf,
}

/// <summary>
/// The fee of one answer: its product, the fields it counts (<see cref="FeePricing"/>), the amount in đồng (0 when
/// exempt) and whether it was exempt. <see cref="Schedule"/> is the version that priced it.
/// </summary>
public sealed record FeeCharge(string Product, int Fields, long Vnd, bool Exempt, int Schedule);

/// <summary>
/// Prices one answer about one citizen. "A field" is, for a disclosure, each field returned (fields the record does not
/// hold and fields consent withheld are not returned, so not counted); for a verification, each claim or predicate
/// answered (a claim on dateOfBirth and a minimumAge predicate are two fields, though both read the date of birth).
/// A denied answer costs nothing and is not a charge at all (null). A batch is priced item by item.
/// </summary>
public static class FeePricing
{
    /// <summary>
    /// The charge for an answer given at <paramref name="at"/>, or null when the answer was denied or no schedule covers
    /// its date (the hub charges nothing it has no statutory price for).
    /// </summary>
    public static FeeCharge? Price(IReadOnlyList<FeeSchedule> schedules, DateTimeOffset at, Requester requester, string product, int fields, bool denied)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentOutOfRangeException.ThrowIfNegative(fields);
        if (denied)
        {
            return null;
        }

        var date = VietnamCalendar.DateOf(at);
        var schedule = InForce(schedules, date);
        if (schedule is null || !schedule.PricePerFieldVnd.TryGetValue(product, out var perField))
        {
            return null;
        }

        var exempt = requester is Requester.StateAgency or Requester.CitizenSelf;
        return new FeeCharge(product, fields, exempt ? 0 : checked(perField * fields), exempt, schedule.Version);
    }

    /// <summary>The schedule in force on <paramref name="date"/>: the latest-starting one that covers it.</summary>
    public static FeeSchedule? InForce(IReadOnlyList<FeeSchedule> schedules, DateOnly date)
    {
        FeeSchedule? found = null;
        foreach (var schedule in schedules)
        {
            if (schedule.Covers(date) && (found is null || schedule.EffectiveFrom > found.EffectiveFrom))
            {
                found = schedule;
            }
        }

        return found;
    }
}
