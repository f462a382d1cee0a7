using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Quotas;

namespace OrleansHub.Grains.Quotas;

/// <summary>
/// One agency's quota and cluster-wide budget (<see cref="QuotaBudget"/>). Silos call it to lease slices of the budget,
/// a few times a second per silo and agency, never once per request. The counters are written to storage at most once a
/// second while leases change them (and when the grain deactivates): if the silo hosting it dies, up to a second of counted
/// usage can be lost, and the daily and monthly quotas then admit that much more.
/// </summary>
public sealed class AgencyQuotaGrain(
    [PersistentState("quota", GrainStorageNames.Directory)] IPersistentState<AgencyQuotaState> state,
    [FromKeyedServices(HubClock.Key)] TimeProvider time,
    IOptions<DefaultQuotaOptions> defaults) : Grain, IAgencyQuotaGrain
{
    /// <summary>Longest time counted usage stays only in memory.</summary>
    public static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(1);

    private QuotaBudget? _budget;
    private DateTimeOffset _persistedAt;
    private bool _dirty;
    private bool _writeFailed;

    private AgencyQuotaState State => state.State;

    private readonly AgencyQuota? _default = defaults.Value.Quota;

    private QuotaBudget Budget => _budget ??= new QuotaBudget(Effective(State.Quota), State.Day, State.DailyUsed, State.MonthlyUsed, time.GetUtcNow());

    /// <summary>The quota in force: the agency's own, else the configured default.</summary>
    private AgencyQuota? Effective(AgencyQuota? own) => own ?? _default;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty && !_writeFailed)
        {
            await PersistAsync();
        }
    }

    public Task<QuotaSettings> GetAsync() => Task.FromResult(Settings());

    public Task<IReadOnlyList<QuotaChange>> GetHistoryAsync() =>
        Task.FromResult<IReadOnlyList<QuotaChange>>([.. Enumerable.Reverse(State.History)]);

    public async Task<QuotaWriteResult> SetAsync(AgencyQuota? quota, long? expectedVersion, string actor)
    {
        if (expectedVersion is { } expected && expected != State.Version)
        {
            return new(QuotaFailure.VersionMismatch, [], Settings(), Changed: false);
        }

        if (quota is not null && QuotaRules.Validate(quota) is { Count: > 0 } errors)
        {
            return new(QuotaFailure.Invalid, errors, Settings(), Changed: false);
        }

        if (quota == State.Quota)
        {
            return new(QuotaFailure.None, [], Settings(), Changed: false);
        }

        var now = time.GetUtcNow();
        Budget.Configure(Effective(quota), now);
        State.Quota = quota;
        State.Version++;
        State.UpdatedAt = now;
        State.History.Add(new QuotaChange(State.Version, now, actor, quota));
        await PersistAsync();
        return new(QuotaFailure.None, [], Settings(), Changed: true);
    }

    public async Task<QuotaLease> LeaseAsync(QuotaLeaseRequest request)
    {
        var now = time.GetUtcNow();
        var (granted, heldBackBy, retryAfter) = Budget.Lease(request, now);
        if (granted > 0 || request.Returned > 0 || Budget.Day != State.Day)
        {
            _dirty = true;
            if (now - _persistedAt >= PersistInterval)
            {
                await PersistAsync();
            }
        }

        return new QuotaLease(granted, Settings(), Budget.Day, Budget.DailyUsed, Budget.MonthlyUsed, heldBackBy, retryAfter,
            QuotaPeriods.EndOfDay(Budget.Day), QuotaPeriods.EndOfMonth(Budget.Day), (long)Math.Floor(Budget.TokensAt(now)));
    }

    public Task<QuotaUsage> GetUsageAsync()
    {
        // A zero lease rolls the counters over to today without granting anything.
        Budget.Lease(new QuotaLeaseRequest(0, 0, default), time.GetUtcNow());
        return Task.FromResult(new QuotaUsage(Budget.Day, Budget.DailyUsed, Budget.MonthlyUsed));
    }

    private QuotaSettings Settings() => new(Effective(State.Quota), State.Version, State.UpdatedAt, IsDefault: State.Quota is null && _default is not null);

    private async Task PersistAsync()
    {
        State.Day = Budget.Day;
        State.DailyUsed = Budget.DailyUsed;
        State.MonthlyUsed = Budget.MonthlyUsed;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory now holds a change storage did not take: drop the activation (without writing it) so the next call
            // reloads what is durable.
            _writeFailed = true;
            DeactivateOnIdle();
            throw;
        }

        _persistedAt = time.GetUtcNow();
        _dirty = false;
    }
}
