using Npgsql;

namespace OrleansHub.Bench.Faults;

/// <summary>One whole fault-injection run: set up, load, faults, drain, verify, report. The command and the CI test both use it.</summary>
public static class FaultSession
{
    public sealed record Result(string Markdown, IReadOnlyList<Check> Checks, IReadOnlyList<FaultFigures> Faults);

    public static async Task<Result> RunAsync(
        HubTarget hub, CitizenIssuer issuer, string connectionString, LoadOptions options, IReadOnlyList<Fault> faults,
        TimeSpan baseline, TimeSpan observe, Timeline timeline, Action<string> log)
    {
        using var load = new MixedLoad(hub, issuer, timeline, options);
        log($"setting up {options.Citizens} citizens, two agencies, consents and subscriptions");
        await load.SetUpAsync();
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var (baselineStart, baselineEnd, windows) = await FaultRun.RunAsync(timeline, faults, baseline, observe, log);
        await stop.CancelAsync();
        await running;
        timeline.Mark("load stopped");

        log("draining the feeds");
        var draining = System.Diagnostics.Stopwatch.StartNew();
        await using (var db = NpgsqlDataSource.Create(connectionString))
        {
            // The dispatcher fans out within moments; the limit only bounds a run where it never does.
            await load.DrainFeedsAsync((agency, cursor) => Verifier.CaughtUpAsync(db, agency, cursor), TimeSpan.FromSeconds(options.Webhook is null ? 60 : 300));
        }

        log($"drained in {draining.Elapsed.TotalSeconds:0.0} s");

        log("verifying");
        var checks = await new Verifier(load, hub, issuer, connectionString, options.OperatorKey).VerifyAsync();
        var outcomes = timeline.Outcomes;
        var (requests, errors) = FaultRun.Rate(outcomes, baselineStart, baselineEnd);
        var baselineRate = requests == 0 ? 0 : (double)errors / requests;
        var figures = windows.Select((w, i) => faults[i].StopsWebhook && options.Webhook is { } receiver
            ? WithWebhookCatchUp(FaultRun.Figures(outcomes, w, baselineRate, faults[i].Hold), w, load.StateAgency, load.Received.ToList(), receiver.Received.ToList())
            : FaultRun.Figures(outcomes, w, baselineRate, faults[i].Hold)).ToList();
        return new Result(Report.Markdown(timeline, (baselineStart, baselineEnd), figures, checks), checks, figures);
    }

    /// <summary>
    /// When the restarted receiver got its first delivery, and when it had every event the state agency's pull consumer had
    /// read before the restart (null if it never had them all).
    /// </summary>
    private static FaultFigures WithWebhookCatchUp(FaultFigures figures, FaultWindow window, string stateAgency, List<ReceivedEvent> pulled, List<ReceivedEvent> pushed)
    {
        var firstPush = pushed.GroupBy(e => e.EventId).ToDictionary(g => g.Key, g => g.Min(e => e.AtMs));
        var due = pulled.Where(e => e.AgencyCode == stateAgency && e.AtMs < window.RecoveredMs).Select(e => e.EventId).Distinct().ToList();
        long? caughtUp = due.All(firstPush.ContainsKey) ? Math.Max(0, due.Select(id => firstPush[id]).DefaultIfEmpty(window.RecoveredMs).Max() - window.RecoveredMs) : null;
        var first = pushed.Where(e => e.AtMs >= window.RecoveredMs).Select(e => (long?)e.AtMs).Min();
        return figures with { WebhookFirstDeliveryMs = first - window.RecoveredMs, WebhookCaughtUpMs = caughtUp };
    }
}
