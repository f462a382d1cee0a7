using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains;
using OrleansHub.Grains.Quotas;

namespace OrleansHub.Host.Quotas;

/// <summary>
/// This silo's rate limiter: one <see cref="SiloAllowance"/> per agency, spent by requests from memory. A request waits on the
/// agency's quota grain only when this silo holds too few units (or has not heard from the grain for two refresh intervals);
/// one lease per agency is in flight at a time and concurrent requests share it. In the background it tops up slices
/// running low, hands back the units of quiet agencies and re-reads the quotas of active ones every refresh interval.
/// </summary>
public sealed partial class QuotaLimiter(
    IGrainFactory grains,
    [FromKeyedServices(HubClock.Key)] TimeProvider time,
    IOptions<QuotaOptions> options,
    ILogger<QuotaLimiter> logger) : BackgroundService
{
    /// <summary>An agency not seen for this long (and holding nothing) is dropped from memory.</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    /// <summary>Leases a request waits for before it is refused as over the rate (the grain granting nothing names its limit first).</summary>
    private const int MaxLeaseAttempts = 5;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The background lease of an admitted request, made once rather than as a new closure per request.</summary>
    private readonly Func<Entry, QuotaLeaseRequest?> _topUp = entry => entry.Allowance.BackgroundLease(time.GetUtcNow());

    /// <summary>Admits or refuses a request of <paramref name="agencyCode"/> costing <paramref name="cost"/> units, and says where the agency stands.</summary>
    public ValueTask<(Admission Admission, AllowanceView? View)> AdmitAsync(string agencyCode, int cost, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(agencyCode, static (code, refresh) => new Entry(code, new SiloAllowance(refresh)), options.Value.RefreshInterval);
        var allowance = entry.Allowance;
        var admission = allowance.TryAdmit(cost, time.GetUtcNow());
        if (admission.Outcome == AdmissionOutcome.NeedsLease)
        {
            return WaitForLeaseAsync(entry, admission, cost, cancellationToken);
        }

        if (admission.Outcome == AdmissionOutcome.Admitted)
        {
            // Tops up a slice running low before the next request needs it.
            _ = ObserveAsync(LeaseAsync(entry, _topUp), agencyCode);
        }

        // Every request comes through here: the path that needs no lease allocates no closure, delegate or state machine.
        return new((admission, allowance.View(time.GetUtcNow())));
    }

    /// <summary>The rest of <see cref="AdmitAsync"/> when this silo holds too few units: waits for leases, then admits or refuses.</summary>
    private async ValueTask<(Admission Admission, AllowanceView? View)> WaitForLeaseAsync(Entry entry, Admission admission, int cost, CancellationToken cancellationToken)
    {
        var allowance = entry.Allowance;
        // Requests that arrive together wait together: the next lease asks for all of them, not only for the first.
        Interlocked.Add(ref entry.Waiting, cost);
        try
        {
            // A lease in flight may be a smaller top-up, or other waiters may spend it first: ask again, a few times at most.
            for (var attempt = 0; admission.Outcome == AdmissionOutcome.NeedsLease && attempt < MaxLeaseAttempts; attempt++)
            {
                await LeaseAsync(entry, e => e.Allowance.LeaseFor(Math.Max(cost, (int)Math.Min(int.MaxValue, Volatile.Read(ref e.Waiting))), time.GetUtcNow()))
                    .WaitAsync(cancellationToken);
                admission = allowance.TryAdmit(cost, time.GetUtcNow(), countDemand: false);
            }
        }
        finally
        {
            Interlocked.Add(ref entry.Waiting, -cost);
        }

        if (admission.Outcome == AdmissionOutcome.NeedsLease)
        {
            // Other requests kept spending the shared leases first: this one leases for itself, so a request is refused only
            // when the grain itself held units back.
            admission = await LeaseForOneAsync(entry, cost).WaitAsync(cancellationToken);
        }
        else if (admission.Outcome == AdmissionOutcome.Admitted)
        {
            // Tops up a slice running low before the next request needs it.
            _ = ObserveAsync(LeaseAsync(entry, _topUp), entry.Code);
        }

        return (admission, allowance.View(time.GetUtcNow()));
    }

    /// <summary>Re-reads <paramref name="agencyCode"/>'s quota now (the silo that served a quota change does so at once).</summary>
    public async Task RefreshAsync(string agencyCode)
    {
        if (_entries.TryGetValue(agencyCode, out var entry))
        {
            var flight = LeaseAsync(entry, static _ => new QuotaLeaseRequest(0, 0, default));
            await flight;
            // The flight may have been an older lease; this one reads the quota as changed.
            await LeaseAsync(entry, static _ => new QuotaLeaseRequest(0, 0, default));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                foreach (var (code, entry) in _entries)
                {
                    if (now - entry.Allowance.LastDemandAt > ForgetAfter && entry.Allowance.Held == 0 && entry.InFlight is null or { IsCompleted: true })
                    {
                        _entries.TryRemove(new KeyValuePair<string, Entry>(code, entry));
                        continue;
                    }

                    _ = ObserveAsync(LeaseAsync(entry, e => e.Allowance.BackgroundLease(now)), code);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task<Admission> LeaseForOneAsync(Entry entry, int cost)
    {
        var allowance = entry.Allowance;
        var lease = await grains.GetGrain<IAgencyQuotaGrain>(entry.Code).LeaseAsync(allowance.LeaseFor(cost, time.GetUtcNow()));
        if (lease.Granted >= cost)
        {
            allowance.Apply(lease with { Granted = lease.Granted - cost }, time.GetUtcNow());
            return Admission.Admitted;
        }

        allowance.Apply(lease, time.GetUtcNow());

        // The grain may have held back because it had just leased its last units to this silo's shared lease, whose answer
        // is still on its way: refusing now would strand those units with no request left to spend them.
        Task? shared;
        lock (entry.Gate)
        {
            shared = entry.InFlight;
        }

        if (shared is not null)
        {
            await ObserveAsync(shared, entry.Code);
            if (allowance.TryAdmit(cost, time.GetUtcNow(), countDemand: false).Outcome == AdmissionOutcome.Admitted)
            {
                return Admission.Admitted;
            }
        }

        return new Admission(AdmissionOutcome.Refused, lease.HeldBackBy == QuotaLimit.None ? QuotaLimit.Rate : lease.HeldBackBy,
            lease.RetryAfter > TimeSpan.Zero ? lease.RetryAfter : TimeSpan.FromSeconds(1));
    }

    /// <summary>Starts the lease <paramref name="request"/> makes unless one is in flight (then that one is returned).</summary>
    private Task LeaseAsync(Entry entry, Func<Entry, QuotaLeaseRequest?> request)
    {
        lock (entry.Gate)
        {
            if (entry.InFlight is { IsCompleted: false } flight)
            {
                return flight;
            }

            // Made only when it is sent: making it takes the units it hands back out of the slice.
            if (request(entry) is not { } next)
            {
                return Task.CompletedTask;
            }

            return entry.InFlight = SendAsync(entry, next);
        }
    }

    private async Task SendAsync(Entry entry, QuotaLeaseRequest request)
    {
        // Units handed back in a call that fails stay counted as used: the safe direction for a quota.
        var lease = await grains.GetGrain<IAgencyQuotaGrain>(entry.Code).LeaseAsync(request);
        entry.Allowance.Apply(lease, time.GetUtcNow());
    }

    private async Task ObserveAsync(Task lease, string agencyCode)
    {
        try
        {
            await lease;
        }
        catch (Exception e)
        {
            LogLeaseFailed(agencyCode, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A background quota lease for agency {Code} failed ({Failure}); the next request or refresh asks again")]
    private partial void LogLeaseFailed(string code, string failure);

    private sealed class Entry(string code, SiloAllowance allowance)
    {
        public string Code { get; } = code;

        public SiloAllowance Allowance { get; } = allowance;

        public Lock Gate { get; } = new();

        public Task? InFlight { get; set; }

        /// <summary>Units of the requests waiting for a lease on this silo.</summary>
        public long Waiting;
    }
}
