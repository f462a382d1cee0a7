using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OrleansHub.Cli.Terminal;
using OrleansHub.Synthetic;
using OrleansHub.Synthetic.Formats;

namespace OrleansHub.Cli.Commands;

/// <summary>
/// <c>orleanshub generate --count N [--seed S] [--today yyyy-MM-dd] [--format ndjson|csv] [--out FILE|-]</c>: writes a synthetic
/// population. The same seed, count and today give byte-identical output. Progress and the closing summary go to stderr.
/// </summary>
public sealed class GenerateCommand : Command
{
    /// <summary>How many records pass between two progress reports.</summary>
    private const int ReportEvery = 4096;

    public GenerateCommand()
        : base("generate", "Writes a deterministic synthetic population of Vietnamese citizens as NDJSON or CSV.")
    {
        Format.AcceptOnlyFromAmong(OptionParsing.Ndjson, OptionParsing.Csv);
        Options.Add(Count);
        Options.Add(Seed);
        Options.Add(Today);
        Options.Add(Format);
        Options.Add(Out);
        SetAction(Run);
    }

    public Option<int> Count { get; } = new("--count", "-n")
    {
        Description = "Number of citizens to write.",
        Required = true,
        CustomParser = OptionParsing.ParsePositiveCount,
    };

    public Option<int> Seed { get; } = new("--seed", "-s") { Description = "Seed of the population.", DefaultValueFactory = _ => 1 };

    public Option<DateOnly> Today { get; } = new("--today")
    {
        Description = "The day the population is seen on (yyyy-MM-dd); no one is born on or after it. Default: today.",
        HelpName = "yyyy-MM-dd",
        CustomParser = OptionParsing.ParseDate,
        DefaultValueFactory = _ => DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().DateTime),
    };

    public Option<string?> Format { get; } = new("--format", "-f")
    {
        Description = "ndjson or csv. Default: from the --out extension, else ndjson.",
    };

    public Option<string> Out { get; } = new("--out", "-o")
    {
        Description = "File to write, or - for standard output.",
        HelpName = "FILE|-",
        DefaultValueFactory = _ => "-",
    };

    private int Run(ParseResult parseResult)
    {
        var count = parseResult.GetValue(Count);
        var seed = parseResult.GetValue(Seed);
        var today = parseResult.GetValue(Today);
        var path = parseResult.GetRequiredValue(Out);
        var format = parseResult.GetValue(Format) ?? OptionParsing.FormatFromExtension(path) ?? OptionParsing.Ndjson;
        var error = parseResult.InvocationConfiguration.Error;

        var clock = Stopwatch.StartNew();
        long written;
        try
        {
            using var output = path == "-"
                ? Console.OpenStandardOutput()
                : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            var generator = new PopulationGenerator(seed, today);
            written = ConsoleProgress.Run("generate", count, ProgressUnit.Records, error, report =>
            {
                ICitizenWriter writer = format == OptionParsing.Csv
                    ? new CsvCitizenWriter(output, leaveOpen: true)
                    : new NdjsonCitizenWriter(output, leaveOpen: true);
                return Write(writer, generator.Generate(count), report);
            });
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Could not write {(path == "-" ? "to standard output" : path)}: {exception.Message}");
            return ExitCodes.Failed;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {written:N0} citizens ({format}, seed {seed}, today {today:yyyy-MM-dd}) to {(path == "-" ? "stdout" : path)} in {seconds:F1} s: {written / Math.Max(seconds, 0.001):N0} records/s"));
        return ExitCodes.Success;
    }

    private static long Write(ICitizenWriter writer, IEnumerable<SyntheticCitizen> citizens, Action<long> report)
    {
        using (writer)
        {
            foreach (var citizen in citizens)
            {
                writer.Write(citizen);
                if (writer.Count % ReportEvery == 0)
                {
                    report(writer.Count);
                }
            }

            return writer.Count;
        }
    }
}
