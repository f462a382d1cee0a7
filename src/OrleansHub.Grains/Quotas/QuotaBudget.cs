using OrleansHub.Abstractions.Quotas;

namespace OrleansHub.Grains.Quotas;

/// <summary>
/// The authoritative cluster-wide budget of one agency, held by its quota grain: a token bucket (refilled at the contracted
/// rate up to the burst) and the day's and month's counters. Every unit a silo admits was granted here first, so over any
/// interval T the cluster admits at most burst + rate × T units, and never more than the daily or monthly quota. Units a
/// silo hands back return to the bucket and come off the counters of the day they were leased on.
/// Pure: the caller passes the time; tested without a cluster.
/// </summary>
public sealed class QuotaBudget
{
    private AgencyQuota? _quota;
    private double _tokens;
    private DateTimeOffset _refilledAt;

    public QuotaBudget(AgencyQuota? quota, DateOnly day, long dailyUsed, long monthlyUsed, DateTimeOffset now)
    {
        Day = day;
        DailyUsed = dailyUsed;
        MonthlyUsed = monthlyUsed;
        // A fresh activation starts with a full bucket, as a fresh contract would: at most one extra burst after a failover.
        Configure(quota, now);
    }

    public DateOnly Day { get; private set; }

    public long DailyUsed { get; private set; }

    public long MonthlyUsed { get; private set; }

    /// <summary>Units the bucket holds now (after refilling to <paramref name="now"/>); for tests and diagnostics.</summary>
    public double TokensAt(DateTimeOffset now)
    {
        Refill(now);
        return _tokens;
    }

    /// <summary>Applies a changed quota: the bucket keeps what it holds, up to the new burst (full when the rate is new).</summary>
    public void Configure(AgencyQuota? quota, DateTimeOffset now)
    {
        Refill(now);
        var hadRate = _quota?.RatePerSecond is not null;
        _quota = quota;
        _tokens = quota?.Burst is { } burst ? (hadRate ? Math.Min(_tokens, burst) : burst) : 0;
        _refilledAt = now;
    }

    /// <summary>Takes back the units <paramref name="request"/> returns, then grants what the limits allow of what it wants.</summary>
    public (int Granted, QuotaLimit HeldBackBy, TimeSpan RetryAfter) Lease(QuotaLeaseRequest request, DateTimeOffset now)
    {
        RollOver(now);
        Refill(now);
        if (request.Returned > 0)
        {
            if (request.ReturnedDay == Day)
            {
                DailyUsed = Math.Max(0, DailyUsed - request.Returned);
            }

            if (QuotaPeriods.SameMonth(request.ReturnedDay, Day))
            {
                MonthlyUsed = Math.Max(0, MonthlyUsed - request.Returned);
            }

            if (_quota?.Burst is { } burst)
            {
                _tokens = Math.Min(burst, _tokens + request.Returned);
            }
        }

        if (request.Wanted <= 0)
        {
            return (0, QuotaLimit.None, TimeSpan.Zero);
        }

        var byRate = _quota?.RatePerSecond is null ? long.MaxValue : (long)Math.Floor(_tokens);
        var byDay = _quota?.DailyRequests is { } daily ? Math.Max(0, daily - DailyUsed) : long.MaxValue;
        var byMonth = _quota?.MonthlyRequests is { } monthly ? Math.Max(0, monthly - MonthlyUsed) : long.MaxValue;
        var granted = (int)Math.Min(request.Wanted, Math.Min(byRate, Math.Min(byDay, byMonth)));

        DailyUsed += granted;
        MonthlyUsed += granted;
        if (_quota?.RatePerSecond is not null)
        {
            _tokens -= granted;
        }

        if (granted == request.Wanted)
        {
            return (granted, QuotaLimit.None, TimeSpan.Zero);
        }

        // The limit that holds back the rest; the calendar limits first, since waiting for the rate would not help.
        if (byMonth <= granted)
        {
            return (granted, QuotaLimit.Monthly, QuotaPeriods.EndOfMonth(Day) - now);
        }

        if (byDay <= granted)
        {
            return (granted, QuotaLimit.Daily, QuotaPeriods.EndOfDay(Day) - now);
        }

        var rate = (double)_quota!.RatePerSecond!.Value;
        var missing = Math.Min(request.Wanted - granted, _quota.Burst!.Value) - _tokens;
        return (granted, QuotaLimit.Rate, TimeSpan.FromSeconds(Math.Max(missing, 1) / rate));
    }

    private void RollOver(DateTimeOffset now)
    {
        var today = VietnamCalendar.DateOf(now);
        if (today == Day)
        {
            return;
        }

        if (!QuotaPeriods.SameMonth(today, Day))
        {
            MonthlyUsed = 0;
        }

        Day = today;
        DailyUsed = 0;
    }

    private void Refill(DateTimeOffset now)
    {
        if (_quota is { RatePerSecond: { } rate, Burst: { } burst } && now > _refilledAt)
        {
            _tokens = Math.Min(burst, _tokens + (rate * (now - _refilledAt).TotalSeconds));
        }

        _refilledAt = now > _refilledAt ? now : _refilledAt;
    }
}
