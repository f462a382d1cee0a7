using System.CommandLine;
using System.Globalization;
using System.Text;
using OrleansHub.Cli.Importing;
using OrleansHub.Cli.Terminal;

namespace OrleansHub.Cli.Commands;

/// <summary>
/// <c>orleanshub import --file FILE [--hub URL] [--key KEY] [--format ndjson|csv] [--report FILE]</c>: streams a file to the hub's
/// bulk import. Exit 0 when the import ran (even with rejections), 1 on transport or HTTP errors, 2 on bad arguments.
/// </summary>
public sealed class ImportCommand : Command
{
    /// <summary>The environment variable read when <c>--key</c> is not given.</summary>
    public const string KeyVariable = "HUB_OPERATOR_KEY";

    /// <summary>Rejections shown on stderr when no report file is asked for.</summary>
    public const int RejectionsShown = 20;

    private static readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public ImportCommand()
        : base("import", "Streams an NDJSON or CSV file of citizen records to the hub's bulk import.")
    {
        Hub.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                result.AddError($"--hub must be an absolute http or https URL, not '{text}'.");
            }
        });
        Format.AcceptOnlyFromAmong(OptionParsing.Ndjson, OptionParsing.Csv);
        Options.Add(File);
        Options.Add(Hub);
        Options.Add(Key);
        Options.Add(Format);
        Options.Add(Report);
        SetAction(RunAsync);
    }

    public Option<string> File { get; } = new("--file")
    {
        Description = "The NDJSON or CSV file to import. It is streamed, never loaded whole.",
        HelpName = "FILE",
        Required = true,
    };

    public Option<string> Hub { get; } = new("--hub")
    {
        Description = "Base URL of the hub.",
        HelpName = "URL",
        DefaultValueFactory = _ => "http://127.0.0.1:5080",
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = $"The operator's API key. Default: the {KeyVariable} environment variable.",
        HelpName = "KEY",
    };

    public Option<string?> Format { get; } = new("--format", "-f")
    {
        Description = "ndjson or csv. Default: from the file extension (.csv is CSV; .ndjson, .jsonl, .json are NDJSON).",
    };

    public Option<string?> Report { get; } = new("--report")
    {
        Description = "File that receives every rejection line as NDJSON. Without it, the first 20 rejections are shown on stderr.",
        HelpName = "FILE",
    };

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var path = parseResult.GetRequiredValue(File);
        if (!System.IO.File.Exists(path))
        {
            await error.WriteLineAsync($"No such file: {path}");
            return ExitCodes.BadArguments;
        }

        var format = parseResult.GetValue(Format) ?? OptionParsing.FormatFromExtension(path);
        if (format is null)
        {
            await error.WriteLineAsync($"Cannot tell the format of '{Path.GetFileName(path)}' from its extension: pass --format ndjson or --format csv.");
            return ExitCodes.BadArguments;
        }

        var key = parseResult.GetValue(Key) ?? Environment.GetEnvironmentVariable(KeyVariable);
        if (string.IsNullOrWhiteSpace(key))
        {
            await error.WriteLineAsync($"No operator key: pass --key or set {KeyVariable}.");
            return ExitCodes.BadArguments;
        }

        var hub = new Uri(parseResult.GetRequiredValue(Hub));
        var reportPath = parseResult.GetValue(Report);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        StreamWriter? report = null;
        try
        {
            report = reportPath is null ? null : new StreamWriter(reportPath, append: false, _utf8) { NewLine = "\n" };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Cannot write the report {reportPath}: {exception.Message}");
            return ExitCodes.BadArguments;
        }

        await using var reportScope = report;
        var shown = 0;
        void OnRejected(string line, ImportRejection rejection)
        {
            if (report is not null)
            {
                report.WriteLine(line);
            }
            else if (shown++ < RejectionsShown)
            {
                error.WriteLine(Describe(rejection));
            }
        }

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new ImportClient(http);
        var outcome = await ConsoleProgress.RunAsync($"import {Path.GetFileName(path)}", file.Length, ProgressUnit.Bytes, error,
            bytesSent => client.ImportAsync(file, format == OptionParsing.Csv, hub, key, bytesSent, OnRejected, cancellationToken));

        if (outcome.Summary is not { } summary)
        {
            await error.WriteLineAsync(outcome.Error);
            return ExitCodes.Failed;
        }

        if (report is null && outcome.RejectionLines > RejectionsShown)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"… and {outcome.RejectionLines - RejectionsShown:N0} more rejections; pass --report FILE to keep them all."));
        }

        var reportNote = reportPath is null ? "" : $"; rejections in {reportPath}";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"imported {Path.GetFileName(path)}: {summary.Lines:N0} lines, {summary.Created:N0} created, {summary.Updated:N0} updated, {summary.Unchanged:N0} unchanged, {summary.Rejected:N0} rejected in {summary.ElapsedMs / 1000.0:F1} s{reportNote}"));
        return ExitCodes.Success;
    }

    /// <summary>"line 17 (001090001234): dateOfBirth: The date of birth cannot be in the future."</summary>
    public static string Describe(ImportRejection rejection)
    {
        var errors = rejection.Errors is { Count: > 0 } list
            ? string.Join("; ", list.Select(e => $"{e.Field}: {e.Message}"))
            : "rejected";
        var id = rejection.Id is null ? "" : $" ({rejection.Id})";
        return string.Create(CultureInfo.InvariantCulture, $"line {rejection.Line}{id}: {errors}");
    }
}
