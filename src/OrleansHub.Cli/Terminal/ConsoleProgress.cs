using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace OrleansHub.Cli.Terminal;

/// <summary>What a progress count measures.</summary>
public enum ProgressUnit
{
    Records,
    Bytes,
}

/// <summary>
/// Shows how far a long operation has got, always on standard error so standard output can carry data: a live
/// Spectre.Console bar on a terminal, or a plain line every few seconds when standard error is redirected or <c>CI</c> is set.
/// The work receives a callback taking the amount done so far; it may be called from any thread.
/// </summary>
public static class ConsoleProgress
{
    private static readonly TimeSpan _plainInterval = TimeSpan.FromSeconds(5);

    public static bool IsInteractive =>
        !Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static T Run<T>(string label, long total, ProgressUnit unit, TextWriter plainOutput, Func<Action<long>, T> work)
    {
        if (!IsInteractive)
        {
            return work(new PlainReporter(label, total, unit, plainOutput).Report);
        }

        return CreateProgress(unit).Start(context =>
        {
            var task = context.AddTask(label, maxValue: Math.Max(total, 1));
            var result = work(done => task.Value = done);
            task.Value = task.MaxValue;
            return result;
        });
    }

    public static async Task<T> RunAsync<T>(string label, long total, ProgressUnit unit, TextWriter plainOutput, Func<Action<long>, Task<T>> work)
    {
        if (!IsInteractive)
        {
            return await work(new PlainReporter(label, total, unit, plainOutput).Report);
        }

        return await CreateProgress(unit).StartAsync(async context =>
        {
            var task = context.AddTask(label, maxValue: Math.Max(total, 1));
            var result = await work(done => task.Value = done);
            task.Value = task.MaxValue;
            return result;
        });
    }

    /// <summary>"1,234,567 records" or "12.3 MiB".</summary>
    public static string Amount(double amount, ProgressUnit unit) => unit == ProgressUnit.Bytes
        ? string.Create(CultureInfo.InvariantCulture, $"{amount / (1024 * 1024):N1} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{amount:N0} records");

    private static Progress CreateProgress(ProgressUnit unit)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        ProgressColumn[] columns = unit == ProgressUnit.Bytes
            ? [new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn()]
            : [new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn()];
        return console.Progress().AutoClear(false).HideCompleted(false).Columns(columns);
    }

    private sealed class PlainReporter(string label, long total, ProgressUnit unit, TextWriter output)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private TimeSpan _lastLine;

        public void Report(long done)
        {
            var elapsed = _clock.Elapsed;
            if (elapsed - _lastLine < _plainInterval)
            {
                return;
            }

            lock (_gate)
            {
                if (elapsed - _lastLine < _plainInterval)
                {
                    return;
                }

                _lastLine = elapsed;
                var percent = total > 0 ? 100.0 * done / total : 0;
                var rate = done / Math.Max(elapsed.TotalSeconds, 0.001);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label}: {Amount(done, unit)} of {Amount(total, unit)} ({percent:F1}%), {Amount(rate, unit)}/s"));
            }
        }
    }
}
