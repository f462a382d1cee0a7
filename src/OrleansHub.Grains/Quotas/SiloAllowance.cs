using OrleansHub.Abstractions.Quotas;

namespace OrleansHub.Grains.Quotas;

/// <summary>What a silo decided about one request without calling the quota grain.</summary>
public enum AdmissionOutcome
{
    Admitted,
    Refused,
    /// <summary>The silo holds too few units (or none yet, or its view of the quota is stale): lease from the grain, then ask again.</summary>
    NeedsLease,
}

/// <summary>A decision and, for a refusal, the limit hit and when the client may retry.</summary>
public readonly record struct Admission(AdmissionOutcome Outcome, QuotaLimit Limit, TimeSpan RetryAfter)
{
    public static readonly Admission Admitted = new(AdmissionOutcome.Admitted, QuotaLimit.None, TimeSpan.Zero);

    public static readonly Admission NeedsLease = new(AdmissionOutcome.NeedsLease, QuotaLimit.None, TimeSpan.Zero);
}

/// <summary>
/// Where an agency stands, as this silo sees it, for the rate-limit response headers. Null quota: unlimited.
/// <see cref="RateRemaining"/> is what this silo can grant now within the rate: the units it holds plus what the agency's
/// bucket held at its last lease, refilled at the rate since, at most the burst (null without a rate).
/// </summary>
public sealed record AllowanceView(AgencyQuota? Quota, long HeldBySilo, long? DailyRemaining, long? MonthlyRemaining,
    DateTimeOffset DayEndsAt, DateTimeOffset MonthEndsAt, DateTimeOffset? RateRetryAt, long? RateRemaining = null);

/// <summary>
/// One agency's budget slice on one silo: units leased from the agency's quota grain, spent by requests without a grain call.
/// It sizes its leases to about <see cref="LeaseAhead"/> of this silo's demand (at most an eighth of the burst, so the
/// silos share a tight budget fairly), asks for more before it runs out, hands back what it holds once the agency goes
/// quiet, and re-reads the quota at least every refresh interval while the agency is active. Pure and thread-safe: the
/// caller passes the time and makes the grain calls.
/// </summary>
public sealed class SiloAllowance(TimeSpan refreshInterval)
{
    /// <summary>How much of this silo's recent demand a lease covers.</summary>
    public static readonly TimeSpan LeaseAhead = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private int _held;
    private DateOnly _heldDay;
    private QuotaLease? _last;
    private DateTimeOffset _knownAt;
    private DateTimeOffset _blockedUntil;
    private QuotaLimit _blockedBy;
    private DateTimeOffset _clientRetryAt;
    private DateTimeOffset _windowStart;
    private long _windowUnits;
    private long _previousWindowUnits;
    private DateTimeOffset _lastDemandAt = DateTimeOffset.MinValue;

    /// <summary>Units this silo holds and has not spent.</summary>
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>When this silo last saw a request of the agency.</summary>
    public DateTimeOffset LastDemandAt
    {
        get
        {
            lock (_gate)
            {
                return _lastDemandAt;
            }
        }
    }

    /// <summary>Spends <paramref name="cost"/> units if this silo holds them; otherwise refuses (while a limit is known to hold) or asks for a lease.</summary>
    public Admission TryAdmit(int cost, DateTimeOffset now, bool countDemand = true)
    {
        lock (_gate)
        {
            if (countDemand)
            {
                RecordDemand(cost, now);
            }

            if (_last is null || now - _knownAt > 2 * refreshInterval)
            {
                return Admission.NeedsLease;
            }

            if (_last.Settings.Quota is null)
            {
                return Admission.Admitted;
            }

            if (_held >= cost)
            {
                _held -= cost;
                return Admission.Admitted;
            }

            return now < _blockedUntil
                ? new Admission(AdmissionOutcome.Refused, _blockedBy, _clientRetryAt - now)
                : Admission.NeedsLease;
        }
    }

    /// <summary>The lease to ask for so a request costing <paramref name="cost"/> can be admitted, plus this silo's usual slice.</summary>
    public QuotaLeaseRequest LeaseFor(int cost, DateTimeOffset now)
    {
        lock (_gate)
        {
            // Positive: a lease is only asked for while the silo holds fewer units than the request costs.
            var wanted = Math.Max(1, Math.Max(cost, Target()) - _held);
            return new QuotaLeaseRequest(wanted, TakeUnwanted(now), _heldDay);
        }
    }

    /// <summary>
    /// The background call this allowance needs now, if any: hand back what a quiet agency's slice holds, top up a slice
    /// running low, or re-read the quota when the last reading is a refresh interval old and the agency is active.
    /// </summary>
    public QuotaLeaseRequest? BackgroundLease(DateTimeOffset now)
    {
        lock (_gate)
        {
            var active = now - _lastDemandAt <= refreshInterval;
            var returned = TakeUnwanted(now);
            var day = _heldDay;
            if (_last is null || !active)
            {
                return returned > 0 ? new QuotaLeaseRequest(0, returned, day) : null;
            }

            var limited = _last.Settings.Quota is not null;
            var wanted = limited && now >= _blockedUntil ? Math.Max(0, Target() - _held) : 0;
            var lowOnUnits = limited && now >= _blockedUntil && _held * 2 < Target();
            return lowOnUnits || returned > 0 || now - _knownAt >= refreshInterval
                ? new QuotaLeaseRequest(wanted, returned, day)
                : null;
        }
    }

    /// <summary>Takes in the grain's answer to a lease.</summary>
    public void Apply(QuotaLease lease, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (lease.Granted > 0)
            {
                _held += lease.Granted;
                _heldDay = lease.Day;
            }

            _last = lease;
            _knownAt = now;
            if (lease.HeldBackBy == QuotaLimit.None)
            {
                _blockedUntil = DateTimeOffset.MinValue;
                return;
            }

            // A rate block lasts until the bucket refills. A calendar block is told to the client as lasting until the period
            // ends, but this silo asks again after a refresh interval: units other silos hand back may free it earlier.
            _blockedBy = lease.HeldBackBy;
            _clientRetryAt = now + lease.RetryAfter;
            _blockedUntil = now + (lease.HeldBackBy == QuotaLimit.Rate ? lease.RetryAfter : Min(lease.RetryAfter, refreshInterval));
        }
    }

    /// <summary>Where the agency stands, as far as this silo knows; null before the first lease.</summary>
    public AllowanceView? View(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_last is not { Settings.Quota: { } quota } last)
            {
                return _last is null ? null : new AllowanceView(null, 0, null, null, _last.DayEndsAt, _last.MonthEndsAt, null);
            }

            // Units leased to silos are already counted as used: add back what this silo holds.
            long? daily = quota.DailyRequests is { } d ? Math.Max(0, d - last.DailyUsed + _held) : null;
            long? monthly = quota.MonthlyRequests is { } m ? Math.Max(0, m - last.MonthlyUsed + _held) : null;
            DateTimeOffset? rateRetry = _blockedBy == QuotaLimit.Rate && now < _blockedUntil ? _clientRetryAt : null;
            return new AllowanceView(quota, _held, daily, monthly, last.DayEndsAt, last.MonthEndsAt, rateRetry, RateRemaining(quota, last, now));
        }
    }

    /// <summary>
    /// What this silo can grant now within the rate: the units it holds, which it admits without asking, plus what the
    /// agency's bucket held when the grain last answered it (at most about a refresh interval ago), refilled at the rate
    /// since and at most the burst, which it can lease. Not a promise: other silos spend the same bucket meanwhile. While
    /// the grain holds the rate back, only what this silo holds. The day and month are reported as items of their own.
    /// </summary>
    private long? RateRemaining(AgencyQuota quota, QuotaLease last, DateTimeOffset now)
    {
        if (quota is not { RatePerSecond: { } rate, Burst: { } burst })
        {
            return null;
        }

        if (now < _blockedUntil && _blockedBy == QuotaLimit.Rate)
        {
            return _held;
        }

        var elapsed = Math.Max(0, (now - _knownAt).TotalSeconds);
        var bucket = Math.Min(burst, last.BucketTokens + (long)Math.Floor(rate * elapsed));
        return Math.Min(burst, _held + bucket);
    }

    /// <summary>Units this silo should hold: about <see cref="LeaseAhead"/> of its demand, between 1 and an eighth of the burst.</summary>
    private int Target()
    {
        var perSecond = Math.Max(_windowUnits, _previousWindowUnits);
        var wanted = (long)Math.Ceiling(perSecond * LeaseAhead.TotalSeconds);
        // Small slices of a small budget: what one silo holds, another cannot admit.
        var quota = _last?.Settings.Quota;
        long ceiling = 1_000;
        if (quota?.Burst is { } burst)
        {
            ceiling = Math.Min(ceiling, burst / 8);
        }

        if (quota?.DailyRequests is { } daily)
        {
            ceiling = Math.Min(ceiling, daily / 64);
        }

        if (quota?.MonthlyRequests is { } monthly)
        {
            ceiling = Math.Min(ceiling, monthly / 1_000);
        }

        return (int)Math.Clamp(wanted, 1, Math.Max(1, ceiling));
    }

    /// <summary>Takes out the units to hand back: all of them once the agency is quiet or unlimited, else none.</summary>
    private int TakeUnwanted(DateTimeOffset now)
    {
        var quiet = now - _lastDemandAt > refreshInterval;
        if (_held == 0 || (!quiet && _last?.Settings.Quota is not null))
        {
            return 0;
        }

        var returned = _held;
        _held = 0;
        return returned;
    }

    private void RecordDemand(int cost, DateTimeOffset now)
    {
        if (now - _windowStart >= TimeSpan.FromSeconds(1))
        {
            _previousWindowUnits = now - _windowStart >= TimeSpan.FromSeconds(2) ? 0 : _windowUnits;
            _windowStart = now;
            _windowUnits = 0;
        }

        _windowUnits += cost;
        _lastDemandAt = now;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
