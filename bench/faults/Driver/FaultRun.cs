using System.Globalization;

namespace OrleansHub.Bench.Faults;

/// <summary>
/// One fault: <see cref="Inject"/>, hold for <see cref="Hold"/>, then <see cref="Recover"/> (may be a no-op).
/// <see cref="StopsWebhook"/>: the fault is the webhook receiver's outage, so its figures include the webhook's catch-up.
/// </summary>
public sealed record Fault(string Name, Func<Task> Inject, TimeSpan Hold, Func<Task> Recover, bool StopsWebhook = false);

/// <summary>The window of one fault on the run clock: injected, recovery step done, observation over.</summary>
public sealed record FaultWindow(string Name, long InjectedMs, long RecoveredMs, long EndMs);

/// <summary>Error rates and recovery times of one fault, from the outcomes the clients recorded.</summary>
public sealed record FaultFigures(
    string Name, long HoldMs, int RequestsDuring, int ErrorsDuring, int RequestsAfter, int ErrorsAfter, int TimeoutsDuring, int TimeoutsAfter,
    long? FirstSuccessAfterInjectMs, long? FirstSuccessAfterRecoveryMs, long? BackToBaselineMs, IReadOnlyDictionary<string, int> ErrorKinds)
{
    public double ErrorRateDuring => RequestsDuring == 0 ? 0 : (double)ErrorsDuring / RequestsDuring;

    public double ErrorRateAfter => RequestsAfter == 0 ? 0 : (double)ErrorsAfter / RequestsAfter;

    /// <summary>From the end of the recovery step (restart) to the error rate's return to baseline; 0 when it was back already.</summary>
    public long? BackToBaselineAfterRecoveryMs { get; init; }

    /// <summary>Webhook outage: from the receiver's restart to the first delivery it got.</summary>
    public long? WebhookFirstDeliveryMs { get; init; }

    /// <summary>Webhook outage: from the receiver's restart until it had every event the pull consumer had read by then.</summary>
    public long? WebhookCaughtUpMs { get; init; }

    /// <summary>Requests and errors during the fault by the silo (1-based) they were sent to: the faulty one, and the others.</summary>
    public IReadOnlyDictionary<int, (int Requests, int Errors)> BySilo { get; init; } = new Dictionary<int, (int, int)>();
}

/// <summary>Runs the faults one after another under the load, with a baseline first and an observation period after each.</summary>
public static class FaultRun
{
    public static async Task<(long BaselineStartMs, long BaselineEndMs, IReadOnlyList<FaultWindow> Windows)> RunAsync(
        Timeline timeline, IReadOnlyList<Fault> faults, TimeSpan baseline, TimeSpan observe, Action<string> log)
    {
        var baselineStart = timeline.Mark("baseline");
        await Task.Delay(baseline);
        var baselineEnd = timeline.NowMs;
        var windows = new List<FaultWindow>();
        foreach (var fault in faults)
        {
            log($"fault {fault.Name}: injecting");
            var injected = timeline.Mark($"{fault.Name}: injected");
            await fault.Inject();
            await Task.Delay(fault.Hold);
            log($"fault {fault.Name}: recovering");
            timeline.Mark($"{fault.Name}: recovery step started");
            await fault.Recover();
            var recovered = timeline.Mark($"{fault.Name}: recovery step done");
            log($"fault {fault.Name}: observing for {observe.TotalSeconds:0} s");
            await Task.Delay(observe);
            windows.Add(new FaultWindow(fault.Name, injected, recovered, timeline.NowMs));
        }

        return (baselineStart, baselineEnd, windows);
    }

    /// <summary>Error rate of the outcomes in [from, to).</summary>
    public static (int Requests, int Errors) Rate(IReadOnlyList<Outcome> outcomes, long from, long to)
    {
        var inWindow = outcomes.Where(o => o.AtMs >= from && o.AtMs < to).ToList();
        return (inWindow.Count, inWindow.Count(o => o.IsError));
    }

    /// <summary>
    /// Figures for one window. "Back to baseline": the time from injection to the start of the first 1-second bucket after
    /// which every bucket up to the window's end has an error rate at most max(2 x baseline, 1 %).
    /// </summary>
    public static FaultFigures Figures(IReadOnlyList<Outcome> outcomes, FaultWindow window, double baselineRate, TimeSpan hold)
    {
        var during = outcomes.Where(o => o.AtMs >= window.InjectedMs && o.AtMs < window.RecoveredMs).ToList();
        var after = outcomes.Where(o => o.AtMs >= window.RecoveredMs && o.AtMs < window.EndMs).ToList();
        var firstAfterInject = outcomes.Where(o => o.AtMs >= window.InjectedMs && o.AtMs < window.EndMs && o.IsSuccess).Select(o => (long?)o.AtMs).Min();
        var firstAfterRecovery = after.Where(o => o.IsSuccess).Select(o => (long?)o.AtMs).Min();
        var threshold = Math.Max(2 * baselineRate, 0.01);
        long? backToBaseline = null;
        var buckets = outcomes.Where(o => o.AtMs >= window.InjectedMs && o.AtMs < window.EndMs)
            .GroupBy(o => (o.AtMs - window.InjectedMs) / 1000).ToDictionary(g => g.Key, g => (double)g.Count(o => o.IsError) / g.Count());
        var lastBucket = (window.EndMs - window.InjectedMs) / 1000 - 1;
        for (var b = lastBucket; b >= 0; b--)
        {
            if (buckets.TryGetValue(b, out var rate) && rate > threshold)
            {
                break;
            }

            backToBaseline = b * 1000;
        }

        var kinds = during.Concat(after).Where(o => o.IsError)
            .GroupBy(Describe).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var recoveryStepMs = window.RecoveredMs - window.InjectedMs;
        return new FaultFigures(window.Name, (long)hold.TotalMilliseconds, during.Count, during.Count(o => o.IsError), after.Count, after.Count(o => o.IsError),
            during.Count(o => o.TimedOut), after.Count(o => o.TimedOut),
            firstAfterInject - window.InjectedMs, firstAfterRecovery - window.RecoveredMs, backToBaseline, kinds)
        {
            BySilo = during.GroupBy(o => o.Silo).ToDictionary(g => g.Key, g => (g.Count(), g.Count(o => o.IsError))),
            BackToBaselineAfterRecoveryMs = backToBaseline is { } back ? Math.Max(0, back - recoveryStepMs) : null,
        };
    }

    /// <summary>How an error looked to the client: no answer, timeout, or the status with its problem type (or that it was not problem+json).</summary>
    public static string Describe(Outcome o) => o switch
    {
        { TimedOut: true } => "timeout (no answer within the client's limit)",
        { Status: 0, ProblemType: { } what } => what,
        { Status: 0 } => "no answer (connection refused or reset)",
        { ProblemJson: true } => string.Create(CultureInfo.InvariantCulture, $"{o.Status} {o.ProblemType}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{o.Status} (not problem+json)"),
    };
}
