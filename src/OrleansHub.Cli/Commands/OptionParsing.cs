using System.CommandLine.Parsing;
using System.Globalization;

namespace OrleansHub.Cli.Commands;

/// <summary>Parsers and checks shared by the commands' options.</summary>
internal static class OptionParsing
{
    public const string Ndjson = "ndjson";
    public const string Csv = "csv";

    /// <summary>Parses <c>yyyy-MM-dd</c> exactly; anything else is a parse error.</summary>
    public static DateOnly ParseDate(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        result.AddError($"'{text}' is not a date in the form yyyy-MM-dd.");
        return default;
    }

    /// <summary>Parses a whole number of at least 1 (digits only, no separators).</summary>
    public static int ParsePositiveCount(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1)
        {
            return count;
        }

        result.AddError($"'{text}' is not a count: give a whole number from 1 to {int.MaxValue}.");
        return 0;
    }

    /// <summary>The format named by a file's extension: <c>.csv</c> is CSV, <c>.ndjson</c>, <c>.jsonl</c> and <c>.json</c> are NDJSON.</summary>
    public static string? FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => Csv,
        ".ndjson" or ".jsonl" or ".json" => Ndjson,
        _ => null,
    };
}
