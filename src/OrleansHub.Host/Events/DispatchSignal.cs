using Npgsql;

namespace OrleansHub.Host.Events;

/// <summary>
/// Wakes this silo's event dispatcher when the log has grown, so an event need not wait for the dispatcher's next poll.
/// Signalled by this silo's appends at once and, in PostgreSQL mode, by every other silo's through NOTIFY
/// (<see cref="PostgresAppendNotifier"/> sends, the feed notification listener hears). The poll stays as a backstop.
/// </summary>
public sealed class DispatchSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next signal. Take it before reading the log, so a signal during the read is not missed.</summary>
    public Task NextAsync() => Volatile.Read(ref _next).Task;

    public void Signal() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>
/// Tells the dispatchers that the log grew: this silo's through <see cref="DispatchSignal"/>, the other silos' through a
/// coalesced NOTIFY sent in the background (PostgreSQL mode), so it never delays the write that grew the log. Each wake-up
/// costs the database a log read and a fan-out transaction (and a NOTIFY), so under load the wake-ups are coalesced to one
/// per <see cref="Coalescing"/>: the first growth after a quiet spell wakes the dispatchers at once, later ones within the
/// window share one wake-up at its end. Under a write load of thousands of changes a second that keeps the event
/// pipeline's transactions to about a hundred a second, and adds at most that window to an event's way to its agencies.
/// </summary>
public sealed class EventLogGrowth(DispatchSignal local, PostgresAppendNotifier? others, TimeProvider time)
{
    /// <summary>The shortest time between two wake-ups.</summary>
    public static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(10);

    private readonly Lock _lock = new();
    private long _lastWake = long.MinValue;
    private bool _scheduled;

    public void Grew()
    {
        TimeSpan wait;
        lock (_lock)
        {
            if (_scheduled)
            {
                return; // a wake-up is already due; it will read this growth too
            }

            var now = time.GetTimestamp();
            var since = _lastWake == long.MinValue ? Coalescing : time.GetElapsedTime(_lastWake, now);
            if (since >= Coalescing)
            {
                _lastWake = now;
                wait = TimeSpan.Zero;
            }
            else
            {
                _scheduled = true;
                wait = Coalescing - since;
            }
        }

        if (wait == TimeSpan.Zero)
        {
            Wake();
            return;
        }

        _ = WakeAfterAsync(wait);
    }

    private async Task WakeAfterAsync(TimeSpan wait)
    {
        await Task.Delay(wait, time).ConfigureAwait(false);
        lock (_lock)
        {
            _scheduled = false;
            _lastWake = time.GetTimestamp();
        }

        Wake();
    }

    private void Wake()
    {
        local.Signal();
        others?.Appended();
    }
}

/// <summary>
/// The sink the in-memory registry storage appends citizen events to in embedded mode: the event log, then a wake-up for
/// the dispatcher.
/// </summary>
public sealed class NotifyingEventSink(ICitizenEventLog log, EventLogGrowth growth) : Grains.Events.ICitizenEventSink
{
    public async Task AppendAsync(IReadOnlyList<Abstractions.Events.CitizenEvent> events, CancellationToken cancellationToken)
    {
        await log.AppendAsync(events, cancellationToken);
        growth.Grew();
    }
}

/// <summary>
/// PostgreSQL mode: tells the other silos' dispatchers that the log grew (NOTIFY on <see cref="Channel"/>), outside the
/// appending transaction so appends never queue on PostgreSQL's notification lock, and coalesced: however many appends
/// land meanwhile, one notice is in flight at a time and one more follows it. A silo alone in the cluster sends none (its
/// own dispatcher is woken in process), and each notice names its sender so the sender's listener skips it: each notice
/// is a transaction, and each needless wake-up a log read.
/// </summary>
public sealed partial class PostgresAppendNotifier(
    NpgsqlDataSource dataSource, IClusterMembershipService membership, ILocalSiloDetails localSilo, ILogger<PostgresAppendNotifier> logger)
    : BackgroundService
{
    public const string Channel = "citizen_events";

    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _pending;

    /// <summary>The payload of this silo's notices.</summary>
    public string Sender => field ??= localSilo.SiloAddress.ToParsableString();

    public void Appended()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(stopping);
                Interlocked.Exchange(ref _pending, 0);
                if (!HasPeers())
                {
                    continue;
                }

                await using var notify = dataSource.CreateCommand("SELECT pg_notify(@channel, @sender)");
                notify.Parameters.AddWithValue("channel", Channel);
                notify.Parameters.AddWithValue("sender", Sender);
                await notify.ExecuteNonQueryAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A lost notice only costs latency: the other dispatchers still poll.
                LogNotifyFailed(e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Whether another silo is joining or active. One that joins after this check still polls the log, and only one silo
    /// dispatches at a time anyway: the notice only saves the dispatching silo the wait for its next poll.
    /// </summary>
    private bool HasPeers()
    {
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.SiloAddress != localSilo.SiloAddress && member.Status is SiloStatus.Active or SiloStatus.Joining)
            {
                return true;
            }
        }

        return false;
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not notify the other silos of new events ({Failure}); their dispatchers fall back to polling")]
    private partial void LogNotifyFailed(string failure);
}
