using System.Globalization;
using System.Text;

namespace OrleansHub.Bench.LookupLoad;

/// <summary>Command-line options; every lookup asks for the benchmark agency's five fields for purpose kyc.</summary>
public sealed record LoadOptions(
    string Mode, Uri Url, string Key, string IdsFile, int Concurrency, double Rate, double DurationSeconds, double WarmupSeconds, string Kind = "lookup")
{
    /// <summary>Parses <c>MODE --name value ...</c>; throws <see cref="ArgumentException"/> on anything missing or malformed.</summary>
    public static LoadOptions Parse(string[] args)
    {
        if (args.Length == 0 || args.Length % 2 == 0)
        {
            throw new ArgumentException("usage: lookup-load walk|rate --url URL --key KEY --ids FILE [--kind lookup|batch|verify] [--rate R --duration S --warmup S --connections N | --concurrency N]");
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
            Number("rate", 0), Number("duration", 20), Number("warmup", 5), named.GetValueOrDefault("kind", "lookup"));
    }

    /// <summary>The path the requests of <see cref="Kind"/> go to.</summary>
    public string Path => Kind switch
    {
        "batch" => "/v1/lookups/batch",
        "verify" => "/v1/verifications",
        _ => "/v1/lookups",
    };

    /// <summary>
    /// The IDs, one per line, each already turned into its UTF-8 request body (built once, not per request): a lookup of the
    /// five fields, a verification (a name claim and a minimum age), or for a batch 100 IDs drawn at random (seeded).
    /// </summary>
    public (string[] Ids, byte[][] Bodies) LoadBodies()
    {
        var ids = File.ReadLines(IdsFile).Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        if (ids.Length == 0)
        {
            throw new ArgumentException($"{IdsFile} holds no IDs");
        }

        const string Fields = "\"fields\":[\"fullName\",\"dateOfBirth\",\"sex\",\"permanentResidence\",\"residenceProvince\"]";
        if (Kind == "batch")
        {
            var random = new Random(42);
            var batches = Enumerable.Range(0, Math.Max(1, Math.Min(2_000, ids.Length / 10)))
                .Select(_ =>
                {
                    var picked = string.Join(',', random.GetItems(ids, Math.Min(100, ids.Length)).Distinct().Select(i => "\"" + i + "\""));
                    return Encoding.UTF8.GetBytes("{\"citizenIds\":[" + picked + "]," + Fields + ",\"purpose\":\"kyc\"}");
                })
                .ToArray();
            return (ids, batches);
        }

        var bodies = ids.Select(id => Encoding.UTF8.GetBytes(Kind == "verify"
                ? "{\"citizenId\":\"" + id + "\",\"purpose\":\"kyc\",\"claims\":{\"fullName\":\"Nguyễn Văn An\"},\"predicates\":{\"minimumAge\":18}}"
                : "{\"citizenId\":\"" + id + "\"," + Fields + ",\"purpose\":\"kyc\"}"))
            .ToArray();
        return (ids, bodies);
    }
}
