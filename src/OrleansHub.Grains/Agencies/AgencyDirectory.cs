using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Agencies;

namespace OrleansHub.Grains.Agencies;

/// <summary>
/// This silo's copy of every agency's policy and active key hashes: the hot path authenticates and authorizes agency
/// requests from memory, without a grain call, so no single grain activation serves every request of an agency.
/// <para>
/// Loading: a miss of a code the agency catalog lists loads from the agency grain once (concurrent misses share the load).
/// A code the catalog does not list never reaches an agency grain: the directory asks the catalog again (one early poll,
/// shared by every miss within <see cref="EarlyPollInterval"/>, so a flood of made-up codes costs at most that many catalog
/// calls a second and activates nothing), and an agency registered through another silo a moment ago is found by it. "No
/// such agency" is then remembered for <see cref="AgencyDirectoryOptions.NegativeCacheDuration"/> (dropped as soon as the
/// catalog lists the code), up to <see cref="AgencyDirectoryOptions.MaxNegativeEntries"/> codes; beyond that it is answered
/// from the catalog's list without being remembered.
/// </para>
/// <para>
/// Freshness: the agency catalog pushes every change to every active silo (<see cref="AgencyChangeListener"/>), which reloads
/// the agency at once, so a key revoked or an agency suspended through any silo stops working everywhere within milliseconds.
/// A pushed notice can be lost (a silo joining at that moment, a dropped message), so a background loop also polls the catalog
/// every <see cref="AgencyDirectoryOptions.RefreshInterval"/> for the agencies whose revision changed: staleness is bounded by
/// one interval even then, and a restarted silo needs nothing replayed. The silo that served the change refreshes its copy at
/// once (<see cref="RefreshAsync"/>). If a reload fails the entry is dropped, so the next request loads from the grain rather
/// than trusting a stale copy. A key whose id this silo's copy lacks (issued through another silo a moment ago) is checked
/// against a reload that starts after it was presented, so a new key works on every silo at once.
/// </para>
/// </summary>
public sealed partial class AgencyDirectory : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Snapshot>>> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Snapshot>>>.AlternateLookup<ReadOnlySpan<char>> _entriesBySpan;
    private readonly ConcurrentDictionary<string, byte> _knownCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte>.AlternateLookup<ReadOnlySpan<char>> _knownCodesBySpan;
    private readonly ConcurrentDictionary<string, KeyReloadGate> _keyReloads = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _hubClock;
    private readonly TimeProvider _timers;
    private readonly AgencyDirectoryOptions _options;
    private readonly ILogger<AgencyDirectory> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _pollGate = new();
    private Task _loop = Task.CompletedTask;
    private Task? _earlyPoll;
    private long _earlyPollStartedAt = long.MinValue;
    private long _generation;
    private volatile bool _catalogRead;
    private int _negativeEntries;
    private int _disposed;

    public AgencyDirectory(
        IGrainFactory grains,
        [FromKeyedServices(HubClock.Key)] TimeProvider hubClock,
        TimeProvider timers,
        IOptions<AgencyDirectoryOptions> options,
        ILogger<AgencyDirectory> logger)
    {
        _grains = grains;
        _hubClock = hubClock;
        _timers = timers;
        _options = options.Value;
        _logger = logger;
        _entriesBySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        _knownCodesBySpan = _knownCodes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The agency's current policy, or null when no agency is registered under <paramref name="code"/>.</summary>
    public ValueTask<AgencyPolicy?> FindAsync(string code, CancellationToken ct = default)
    {
        if (TryGetCached(code) is { } cached)
        {
            return ValueTask.FromResult(cached.Policy);
        }

        return AgencyRules.IsCode(code) ? FindSlowAsync(code, ct) : ValueTask.FromResult<AgencyPolicy?>(null);
    }

    /// <summary>
    /// Checks a presented key (<c>ohk_{CODE}_{keyId}_{secret}</c>) against the agency's active key hashes. A suspended
    /// agency's valid key is <see cref="AgencyKeyStatus.Valid"/>: the endpoint refuses it and audits the refusal.
    /// </summary>
    public ValueTask<AgencyKeyCheck> AuthenticateAsync(string presentedKey, CancellationToken ct = default)
    {
        if (!AgencyKeys.TryParse(presentedKey, out var code, out var keyId))
        {
            return ValueTask.FromResult(AgencyKeyCheck.Unknown);
        }

        return TryGetCached(code) is { } cached && !IsKeyNewerThan(cached, keyId)
            ? ValueTask.FromResult(Check(cached, presentedKey))
            : AuthenticateSlowAsync(presentedKey, code.ToString(), keyId.ToString(), ct);
    }

    /// <summary>
    /// Whether key <paramref name="keyId"/> of agency <paramref name="code"/> is still current (not revoked, not past the end
    /// of a rotation's grace): what outlives the request that authenticated it (a stream, a long-poll, a webhook the key set)
    /// asks this again and again, and stops once it is false. Answered from memory while the agency is cached.
    /// </summary>
    public async ValueTask<bool> IsKeyCurrentAsync(string code, string keyId, CancellationToken ct = default)
    {
        var snapshot = TryGetCached(code) ?? (AgencyRules.IsCode(code) ? await GetAsync(code, ct) : Snapshot.Absent);
        return snapshot.Policy is not null && snapshot.KeysById.TryGetValue(keyId, out var key)
            && !(key.RevokesAt is { } revokesAt && _hubClock.GetUtcNow() >= revokesAt);
    }

    /// <summary>
    /// Reloads one agency from its grain now; the admin API calls it after a change so this silo never lags. When the grain
    /// cannot be reached the agency is dropped from the cache instead, so the next request loads it rather than trusting
    /// a stale copy. Never throws for that.
    /// </summary>
    public async Task RefreshAsync(string code, CancellationToken ct = default)
    {
        if (!AgencyRules.IsCode(code))
        {
            return;
        }

        try
        {
            Install(code, await LoadAsync(code).WaitAsync(ct));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            if (_entries.TryRemove(code, out var dropped))
            {
                ReleaseNegative(dropped);
            }

            LogReloadFailed(code, e.GetType().Name);
        }
    }

    /// <summary>
    /// A pushed notice that <paramref name="code"/> reached <paramref name="revision"/>: reloads it if this silo holds an older
    /// copy (an agency it has never loaded needs nothing). Never throws.
    /// </summary>
    public async Task ApplyChangeNoticeAsync(string code, long revision)
    {
        if (!AgencyRules.IsCode(code))
        {
            return;
        }

        _knownCodes.TryAdd(code, 0);
        if (_entries.TryGetValue(code, out var cached) && !(cached.IsValueCreated && cached.Value.IsCompletedSuccessfully && cached.Value.Result.Revision >= revision))
        {
            await RefreshAsync(code, _stopping.Token);
            LogReloaded(code, revision);
        }
    }

    /// <summary>Shortest time between two polls of the catalog made for codes it did not list.</summary>
    public static readonly TimeSpan EarlyPollInterval = TimeSpan.FromMilliseconds(50);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(AgencyDirectory), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken ct)
    {
        _loop = RefreshLoopAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        // Registered under two service types, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async ValueTask<AgencyPolicy?> FindSlowAsync(string code, CancellationToken ct) => (await GetAsync(code, ct)).Policy;

    private async ValueTask<AgencyKeyCheck> AuthenticateSlowAsync(string presentedKey, string code, string keyId, CancellationToken ct)
    {
        var snapshot = await GetAsync(code, ct);
        if (IsKeyNewerThan(snapshot, keyId))
        {
            // A key issued through another silo a moment ago, before its notice reached this one: load the agency again.
            await ReloadForUnknownKeyAsync(code).WaitAsync(ct);
            snapshot = await GetAsync(code, ct);
        }

        return Check(snapshot, presentedKey);
    }

    /// <summary>Whether the agency is known but the key id is not: either a key newer than this copy or a made-up one.</summary>
    private static bool IsKeyNewerThan(Snapshot snapshot, ReadOnlySpan<char> keyId) =>
        snapshot.Policy is not null && !snapshot.KeysById.ContainsKey(keyId);

    /// <summary>
    /// A reload of <paramref name="code"/> that starts after this call: callers that arrive before it starts share it, and
    /// reloads of one agency start at least <see cref="EarlyPollInterval"/> apart, so a flood of made-up key ids costs the
    /// agency grain a bounded rate of calls (and the flood's requests wait up to that interval) while a real new key is
    /// always checked against a copy loaded after it was presented.
    /// </summary>
    private Task ReloadForUnknownKeyAsync(string code)
    {
        var gate = _keyReloads.GetOrAdd(code, static _ => new KeyReloadGate());
        lock (gate)
        {
            if (gate.Next is { } next)
            {
                return next;
            }

            var wait = gate.LastStartedAt is { } last ? EarlyPollInterval - _timers.GetElapsedTime(last) : TimeSpan.Zero;

            // On the thread pool: run inline, its first step (clearing Next) would come before this assignment sets Next.
            return gate.Next = Task.Run(() => StartAfterAsync(wait));
        }

        async Task StartAfterAsync(TimeSpan wait)
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _timers);
            }

            lock (gate)
            {
                gate.Next = null;
                gate.LastStartedAt = _timers.GetTimestamp();
            }

            await RefreshAsync(code, _stopping.Token);
        }
    }

    private AgencyKeyCheck Check(Snapshot snapshot, string presentedKey)
    {
        if (snapshot.Policy is not { } policy)
        {
            return AgencyKeyCheck.Unknown;
        }

        AgencyKeys.TryParse(presentedKey, out _, out var keyId);
        if (!snapshot.KeysById.TryGetValue(keyId, out var key) || !AgencyKeys.Matches(presentedKey, key.Sha256) ||
            (key.RevokesAt is { } revokesAt && _hubClock.GetUtcNow() >= revokesAt))
        {
            return new AgencyKeyCheck(AgencyKeyStatus.Refused, policy, keyId.ToString());
        }

        return key.Valid;
    }

    /// <summary>The cached snapshot for <paramref name="code"/> when it can be answered from memory, else null.</summary>
    private Snapshot? TryGetCached(ReadOnlySpan<char> code)
    {
        if (_entriesBySpan.TryGetValue(code, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
        {
            var snapshot = entry.Value.Result;
            if (snapshot.Policy is not null || _timers.GetUtcNow() < snapshot.AbsentUntil)
            {
                return snapshot;
            }
        }

        // Under a flood of made-up codes, once the negative cache is full: the catalog lists every agency registered up to
        // the last poll, so a code it does not list is refused without a grain call. (Otherwise such a code is loaded, so an
        // agency registered through another silo a moment ago is found before the next poll.)
        return _catalogRead && Volatile.Read(ref _negativeEntries) >= _options.MaxNegativeEntries && !_knownCodesBySpan.ContainsKey(code)
            ? Snapshot.Absent
            : null;
    }

    private async Task<Snapshot> GetAsync(string code, CancellationToken ct)
    {
        if (!_knownCodes.ContainsKey(code))
        {
            // Not listed as of the last poll: ask the catalog (shared), never the agency grain of a code that may not exist.
            await PollEarlyAsync().WaitAsync(ct);
            if (!_knownCodes.ContainsKey(code))
            {
                return RememberAbsent(code);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var entry = _entries.GetOrAdd(code, static (c, self) => new Lazy<Task<Snapshot>>(() => self.LoadAsync(c)), this);
            var stale = entry.IsValueCreated && (entry.Value.IsFaulted || entry.Value.IsCanceled ||
                (entry.Value.IsCompletedSuccessfully && entry.Value.Result.Policy is null && _timers.GetUtcNow() >= entry.Value.Result.AbsentUntil));
            if (stale && attempt < 3)
            {
                // A failed load whose waiters all gave up, or an expired "no such agency": load again.
                Forget(code, entry);
                continue;
            }

            try
            {
                return await entry.Value.WaitAsync(ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // A failed load is not cached: the next request tries the grain again.
                Forget(code, entry);
                throw;
            }
        }
    }

    /// <summary>
    /// One catalog poll for codes the last poll did not list: starts one unless one started within
    /// <see cref="EarlyPollInterval"/> (then every caller shares that one), so misses cost the catalog a bounded rate of calls.
    /// </summary>
    private Task PollEarlyAsync()
    {
        lock (_pollGate)
        {
            var now = _timers.GetTimestamp();
            if (_earlyPoll is { } running && (!running.IsCompleted || _timers.GetElapsedTime(_earlyPollStartedAt, now) < EarlyPollInterval))
            {
                return running;
            }

            _earlyPollStartedAt = now;
            return _earlyPoll = PollSafelyAsync();
        }

        async Task PollSafelyAsync()
        {
            try
            {
                await PollCatalogAsync(_stopping.Token);
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                // The caller is answered from what the last good poll listed.
                LogPollFailed(e.GetType().Name);
            }
        }
    }

    /// <summary>"No such agency", remembered for the negative-cache duration while there is room.</summary>
    private Snapshot RememberAbsent(string code)
    {
        if (Interlocked.Increment(ref _negativeEntries) > _options.MaxNegativeEntries)
        {
            Interlocked.Decrement(ref _negativeEntries);
            return Snapshot.Absent;
        }

        var absent = new Snapshot(null, 0, FrozenDictionary<string, CachedKey>.Empty, _timers.GetUtcNow() + _options.NegativeCacheDuration);
        if (!_entries.TryAdd(code, new Lazy<Task<Snapshot>>(Task.FromResult(absent))))
        {
            Interlocked.Decrement(ref _negativeEntries);
        }

        return absent;
    }

    private async Task<Snapshot> LoadAsync(string code)
    {
        var credentials = await _grains.GetGrain<IAgencyGrain>(code).GetCredentialsAsync();
        if (credentials.Policy is null)
        {
            if (Interlocked.Increment(ref _negativeEntries) > _options.MaxNegativeEntries)
            {
                // Full: answered, not remembered.
                Interlocked.Decrement(ref _negativeEntries);
                return Snapshot.Absent;
            }

            return new Snapshot(null, credentials.Revision, FrozenDictionary<string, CachedKey>.Empty, _timers.GetUtcNow() + _options.NegativeCacheDuration);
        }

        _knownCodes.TryAdd(code, 0);
        var keys = credentials.Keys.ToFrozenDictionary(
            k => k.KeyId,
            k => new CachedKey(k.Sha256, k.RevokesAt, new AgencyKeyCheck(AgencyKeyStatus.Valid, credentials.Policy, k.KeyId)),
            StringComparer.Ordinal);
        return new Snapshot(credentials.Policy, credentials.Revision, keys, DateTimeOffset.MaxValue);
    }

    /// <summary>Puts a freshly loaded snapshot in place unless a newer one is already there.</summary>
    private void Install(string code, Snapshot fresh)
    {
        var loaded = new Lazy<Task<Snapshot>>(Task.FromResult(fresh));
        while (true)
        {
            if (!_entries.TryGetValue(code, out var current))
            {
                if (_entries.TryAdd(code, loaded))
                {
                    return;
                }

                continue;
            }

            if (current.IsValueCreated && current.Value.IsCompletedSuccessfully && current.Value.Result.Revision > fresh.Revision)
            {
                ReleaseNegative(loaded);
                return;
            }

            if (_entries.TryUpdate(code, loaded, current))
            {
                ReleaseNegative(current);
                return;
            }
        }
    }

    private void Forget(string code, Lazy<Task<Snapshot>> entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Lazy<Task<Snapshot>>>(code, entry)))
        {
            ReleaseNegative(entry);
        }
    }

    private void ReleaseNegative(Lazy<Task<Snapshot>> entry)
    {
        if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully && entry.Value.Result is { Policy: null } absent && !ReferenceEquals(absent, Snapshot.Absent))
        {
            Interlocked.Decrement(ref _negativeEntries);
        }
    }

    private async Task RefreshLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.RefreshInterval, _timers);
        try
        {
            do
            {
                try
                {
                    await PollCatalogAsync(stopping);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    LogPollFailed(e.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task PollCatalogAsync(CancellationToken stopping)
    {
        var changes = await _grains.GetGrain<IAgencyCatalogGrain>(IAgencyCatalogGrain.Key).GetChangesAsync(Interlocked.Read(ref _generation)).WaitAsync(stopping);
        foreach (var (code, revision) in changes.Changed)
        {
            _knownCodes.TryAdd(code, 0);
            if (!_entries.TryGetValue(code, out var cached) ||
                (cached.IsValueCreated && cached.Value.IsCompletedSuccessfully && cached.Value.Result.Revision >= revision))
            {
                continue;
            }

            await RefreshAsync(code, stopping);
            LogReloaded(code, revision);
        }

        Interlocked.Exchange(ref _generation, changes.Generation);
        _catalogRead = true;
        SweepExpiredAbsences();
    }

    private void SweepExpiredAbsences()
    {
        var now = _timers.GetUtcNow();
        var remembered = 0;
        foreach (var (code, entry) in _entries)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully && entry.Value.Result is { Policy: null } absent)
            {
                if (now >= absent.AbsentUntil)
                {
                    Forget(code, entry);
                }
                else
                {
                    remembered++;
                }
            }
        }

        // The count only bounds memory: resetting it to what is actually held corrects any drift from racing loads.
        Volatile.Write(ref _negativeEntries, remembered);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not poll the agency catalog ({Failure}); cached agencies stay as they are until the next poll")]
    private partial void LogPollFailed(string failure);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agency {Code} changed to revision {Revision}: refreshed")]
    private partial void LogReloaded(string code, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload agency {Code} ({Failure}); dropped from the cache so the next request loads it")]
    private partial void LogReloadFailed(string code, string failure);

    /// <summary>One agency as this silo holds it. <see cref="Policy"/> null: no such agency (until <see cref="AbsentUntil"/>).</summary>
    private sealed class Snapshot
    {
        public static readonly Snapshot Absent = new(null, 0, FrozenDictionary<string, CachedKey>.Empty, DateTimeOffset.MinValue);

        public Snapshot(AgencyPolicy? policy, long revision, FrozenDictionary<string, CachedKey> keys, DateTimeOffset absentUntil)
        {
            Policy = policy;
            Revision = revision;
            KeysById = keys.GetAlternateLookup<ReadOnlySpan<char>>();
            AbsentUntil = absentUntil;
        }

        public AgencyPolicy? Policy { get; }

        public long Revision { get; }

        public FrozenDictionary<string, CachedKey>.AlternateLookup<ReadOnlySpan<char>> KeysById { get; }

        public DateTimeOffset AbsentUntil { get; }
    }

    /// <summary>The reload of one agency that callers presenting a key id its copy lacks are waiting for.</summary>
    private sealed class KeyReloadGate
    {
        public Task? Next { get; set; }

        public long? LastStartedAt { get; set; }
    }

    /// <summary>One active key: its hash, when a rotation revokes it, and the answer to give when it matches.</summary>
    private sealed record CachedKey(byte[] Sha256, DateTimeOffset? RevokesAt, AgencyKeyCheck Valid);
}

/// <summary>Registers the per-silo agency directory and its refresh loop.</summary>
public static class AgencyDirectoryExtensions
{
    /// <summary>
    /// Adds <see cref="AgencyDirectory"/> as a singleton that starts polling the catalog when the silo becomes active, and the
    /// per-silo listener the catalog pushes changes to.
    /// </summary>
    public static IServiceCollection AddAgencyDirectory(this IServiceCollection services)
    {
        services.AddOptions<AgencyDirectoryOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(HubClock.Key, TimeProvider.System);
        services.TryAddSingleton<AgencyDirectory>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<AgencyDirectory>());
        services.AddGrainService<AgencyChangeListener>();
        services.TryAddSingleton<AgencyChangeBroadcaster>();
        return services;
    }
}
