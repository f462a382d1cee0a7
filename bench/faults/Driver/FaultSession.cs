using Npgsql;

namespace OrleansHub.Bench.Faults;

/// <summary>One whole fault-injection run: set up, load, faults, drain, verify, report. The command and the CI test both use it.</summary>
public static class FaultSession
{
    public sealed record Result(string Markdown, IReadOnlyList<Check> Checks, IReadOnlyList<FaultFigures> Faults);

    public static async Task<Result> RunAsync(
        HubTarget hub, CitizenIssuer issuer, string connectionString, LoadOptions options, IReadOnlyList<Fault> faults,
        TimeSpan baseline, TimeSpan observe, Action<string> log)
    {
        var timeline = new Timeline();
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
        await using (var db = NpgsqlDataSource.Create(connectionString))
        {
            // The dispatcher fans out within moments; the limit only bounds a run where it never does.
            await load.DrainFeedsAsync((agency, cursor) => Verifier.CaughtUpAsync(db, agency, cursor), TimeSpan.FromSeconds(60));
        }

        log("verifying");
        var checks = await new Verifier(load, hub, issuer, connectionString, options.OperatorKey).VerifyAsync();
        var outcomes = timeline.Outcomes;
        var (requests, errors) = FaultRun.Rate(outcomes, baselineStart, baselineEnd);
        var baselineRate = requests == 0 ? 0 : (double)errors / requests;
        var figures = windows.Select((w, i) => FaultRun.Figures(outcomes, w, baselineRate, faults[i].Hold)).ToList();
        return new Result(Report.Markdown(timeline, (baselineStart, baselineEnd), figures, checks), checks, figures);
    }
}
