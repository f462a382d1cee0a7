using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using OrleansHub.Grains;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// Requests to the agency API that never authenticated (no key, or a key the directory refused) cost the hub no audit row:
/// they are counted per minute, agency-or-unknown and reason (<see cref="RefusalTally"/>), and each silo adds its counts to
/// the stored tallies every <see cref="AgencyApiOptions.RefusalFlushInterval"/>. Each source address also has a budget of
/// failed authentications (a token bucket: <see cref="AgencyApiOptions.FailedAuthenticationBurst"/>, refilled at
/// <see cref="AgencyApiOptions.FailedAuthenticationsPerMinute"/>); past it, its failures are answered 429 without any
/// further work. A valid key is never refused for its address's budget.
/// </summary>
public sealed partial class UnauthenticatedRefusals(
    IRefusalTallyStore store,
    IOptions<AgencyApiOptions> options,
    [FromKeyedServices(HubClock.Key)] TimeProvider time,
    HubInstruments instruments,
    ILogger<UnauthenticatedRefusals> logger) : BackgroundService
{
    private static readonly IPAddress Overflow = IPAddress.IPv6None;

    private readonly AgencyApiOptions _options = options.Value;
    private readonly ConcurrentDictionary<(long Minute, string Agency, string Reason), long> _counts = new();
    private readonly ConcurrentDictionary<IPAddress, Budget> _budgets = new();

    /// <summary>
    /// Spends one failed authentication of the request's source address; false when the address has none left (the request
    /// is then refused as rate-limited).
    /// </summary>
    public bool TrySpendFailure(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) && !_options.LimitLoopback)
        {
            return true;
        }

        if (!_budgets.TryGetValue(address, out var budget))
        {
            budget = _budgets.Count >= _options.MaxTrackedAddresses
                ? _budgets.GetOrAdd(Overflow, _ => new Budget(_options.FailedAuthenticationBurst))
                : _budgets.GetOrAdd(address, _ => new Budget(_options.FailedAuthenticationBurst));
        }

        return budget.TrySpend(time.GetUtcNow(), _options.FailedAuthenticationBurst, _options.FailedAuthenticationsPerMinute / 60.0);
    }

    /// <summary>Counts one refusal; <paramref name="agencyCode"/> is the registered agency a refused key named, else null.</summary>
    public void Count(string? agencyCode, string reason)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        _counts.AddOrUpdate((minute, agencyCode ?? RefusalTally.UnknownAgency, reason), 1, static (_, held) => held + 1);
        instruments.AgencyRequestRefused(reason, agencyCode);
    }

    /// <summary>Adds what this silo counted since the last flush to the stored tallies.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var tallies = new List<RefusalTally>();
        foreach (var key in _counts.Keys)
        {
            if (_counts.TryRemove(key, out var count) && count > 0)
            {
                tallies.Add(new RefusalTally(DateTimeOffset.FromUnixTimeSeconds(key.Minute * 60), key.Agency, key.Reason, count));
            }
        }

        try
        {
            await store.AddAsync(tallies, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Kept for the next flush: counts are never dropped for a failed write.
            foreach (var tally in tallies)
            {
                _counts.AddOrUpdate((tally.Minute.ToUnixTimeSeconds() / 60, tally.Agency, tally.Reason), tally.Count, (_, held) => held + tally.Count);
            }

            LogFlushFailed(exception.GetType().Name);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.RefusalFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushAsync(stoppingToken).ConfigureAwait(false);
                SweepBudgets();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync flushes what is left.
        }
    }

    /// <summary>Forgets addresses whose budget is full again: they hold nothing worth remembering.</summary>
    private void SweepBudgets()
    {
        var now = time.GetUtcNow();
        foreach (var (address, budget) in _budgets)
        {
            if (budget.IsFull(now, _options.FailedAuthenticationBurst, _options.FailedAuthenticationsPerMinute / 60.0))
            {
                _budgets.TryRemove(new KeyValuePair<IPAddress, Budget>(address, budget));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the tallies of unauthenticated agency API refusals ({Failure}); kept for the next flush")]
    private partial void LogFlushFailed(string failure);

    /// <summary>One address's token bucket of failed authentications.</summary>
    private sealed class Budget(int burst)
    {
        private readonly Lock _gate = new();
        private double _tokens = burst;
        private DateTimeOffset _at = DateTimeOffset.MinValue;

        public bool TrySpend(DateTimeOffset now, int burst, double perSecond)
        {
            lock (_gate)
            {
                Refill(now, burst, perSecond);
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens--;
                return true;
            }
        }

        public bool IsFull(DateTimeOffset now, int burst, double perSecond)
        {
            lock (_gate)
            {
                Refill(now, burst, perSecond);
                return _tokens >= burst;
            }
        }

        private void Refill(DateTimeOffset now, int burst, double perSecond)
        {
            if (_at != DateTimeOffset.MinValue && now > _at)
            {
                _tokens = Math.Min(burst, _tokens + ((now - _at).TotalSeconds * perSecond));
            }

            _at = now;
        }
    }
}
