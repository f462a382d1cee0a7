using System.Globalization;
using System.Text;

namespace OrleansHub.Bench.Faults;

/// <summary>The figures as Markdown tables (bench/results/faults-*.md) and one-line summaries for the console.</summary>
public static class Report
{
    public static string Markdown(Timeline timeline, (long Start, long End) baseline, IReadOnlyList<FaultFigures> faults, IReadOnlyList<Check> checks)
    {
        var outcomes = timeline.Outcomes;
        var (requests, errors) = FaultRun.Rate(outcomes, baseline.Start, baseline.End);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Baseline before the first fault: {requests} requests, {errors} errors ({Percent(errors, requests)}).");
        text.AppendLine();
        text.AppendLine("An error is a request with no answer (refused or reset connection, or no answer within the client's 20 s) or a 5xx; "
            + "4xx answers are the hub deciding (412 version moved on, 403 consent revoked) and count as answered. \"During\": from the fault "
            + "until its recovery step (restart) finished; \"after\": the observation period that follows. \"Back to baseline\": from then on every "
            + "second's error rate is at most max(2 x baseline, 1 %), counted from the injection and from the end of the recovery step.");
        text.AppendLine();
        text.AppendLine("| fault | held | requests during | error rate during | requests after | error rate after | timeouts | first success after injection | first success after recovery step | error rate back to baseline: after injection | after recovery step |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var f in faults)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {f.Name} | {f.HoldMs / 1000.0:0} s | {f.RequestsDuring} | {Percent(f.ErrorsDuring, f.RequestsDuring)} | {f.RequestsAfter} | {Percent(f.ErrorsAfter, f.RequestsAfter)} | "
                + $"{f.TimeoutsDuring + f.TimeoutsAfter} | {Ms(f.FirstSuccessAfterInjectMs)} | {Ms(f.FirstSuccessAfterRecoveryMs)} | {Ms(f.BackToBaselineMs)} | {Ms(f.BackToBaselineAfterRecoveryMs)} |");
        }

        foreach (var f in faults.Where(f => f.WebhookCaughtUpMs is not null || f.WebhookFirstDeliveryMs is not null))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{f.Name}: after the receiver came back, its first delivery arrived in {Ms(f.WebhookFirstDeliveryMs)}, and it had every event fanned out "
                + $"before its restart in {Ms(f.WebhookCaughtUpMs)} (the hub's retry backoff decides when it next tries).");
        }

        text.AppendLine();
        text.AppendLine("Error rate during each fault, by the silo the request was sent to:");
        text.AppendLine();
        foreach (var f in faults)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {f.Name}: {string.Join(", ", f.BySilo.OrderBy(s => s.Key).Select(s => $"silo {s.Key} {Percent(s.Value.Errors, s.Value.Requests)} of {s.Value.Requests}"))}");
        }

        text.AppendLine();
        text.AppendLine("Errors by kind, per fault (during and after):");
        text.AppendLine();
        foreach (var f in faults)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {f.Name}: {(f.ErrorKinds.Count == 0 ? "none" : string.Join("; ", f.ErrorKinds.OrderByDescending(k => k.Value).Select(k => $"{k.Key}: {k.Value}")))}");
        }

        text.AppendLine();
        text.AppendLine("Requests by operation over the whole run (answered 2xx / other 4xx / errors):");
        text.AppendLine();
        foreach (var group in outcomes.GroupBy(o => o.Operation).OrderBy(g => g.Key))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- {group.Key}: {group.Count(o => o.IsSuccess)} / {group.Count(o => !o.IsSuccess && !o.IsError)} / {group.Count(o => o.IsError)}");
        }

        text.AppendLine();
        text.AppendLine("## Verification");
        text.AppendLine();
        text.AppendLine("| check | result | detail |");
        text.AppendLine("|---|---|---|");
        foreach (var check in checks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {check.Name} | {(check.Passed ? "**pass**" : "**FAIL**")} | {check.Detail} |");
        }

        text.AppendLine();
        text.AppendLine("Timeline (ms from the start of the load):");
        text.AppendLine();
        foreach (var (at, mark) in timeline.Marks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {at}: {mark}");
        }

        return text.ToString();
    }

    private static string Percent(int part, int whole) => whole == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0.0} %");

    private static string Ms(long? ms) => ms is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v / 1000.0:0.0} s") : "never";
}
