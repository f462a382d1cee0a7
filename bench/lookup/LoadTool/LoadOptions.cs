using System.Globalization;
using System.Text;

namespace OrleansHub.Bench.LookupLoad;

/// <summary>Command-line options; every lookup asks for the benchmark agency's five fields for purpose kyc.</summary>
public sealed record LoadOptions(
    string Mode, Uri Url, string Key, string IdsFile, int Concurrency, double Rate, double DurationSeconds, double WarmupSeconds)
{
    /// <summary>Parses <c>MODE --name value ...</c>; throws <see cref="ArgumentException"/> on anything missing or malformed.</summary>
    public static LoadOptions Parse(string[] args)
    {
        if (args.Length == 0 || args.Length % 2 == 0)
        {
            throw new ArgumentException("usage: lookup-load walk|rate --url URL --key KEY --ids FILE [--rate R --duration S --warmup S --connections N | --concurrency N]");
        }

        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            named[args[i].TrimStart('-')] = args[i + 1];
        }

        string Required(string name) => named.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
        double Number(string name, double fallback) =>
            named.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

        var concurrency = (int)Number(named.ContainsKey("connections") ? "connections" : "concurrency", 32);
        return new LoadOptions(args[0], new Uri(Required("url")), Required("key"), Required("ids"), concurrency,
            Number("rate", 0), Number("duration", 20), Number("warmup", 5));
    }

    /// <summary>The IDs, one per line, each already turned into its UTF-8 request body (built once, not per request).</summary>
    public (string[] Ids, byte[][] Bodies) LoadBodies()
    {
        var ids = File.ReadLines(IdsFile).Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        if (ids.Length == 0)
        {
            throw new ArgumentException($"{IdsFile} holds no IDs");
        }

        var bodies = ids.Select(id => Encoding.UTF8.GetBytes(
            $$"""{"citizenId":"{{id}}","fields":["fullName","dateOfBirth","sex","permanentResidence","residenceProvince"],"purpose":"kyc"}"""))
            .ToArray();
        return (ids, bodies);
    }
}
