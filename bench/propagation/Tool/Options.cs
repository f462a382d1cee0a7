using System.Globalization;

namespace OrleansHub.Bench.Propagation;

/// <summary>Command-line options: <c>--name value</c> pairs after the mode.</summary>
internal sealed class Options
{
    public string Mode { get; private init; } = "";
    public IReadOnlyList<string> Urls { get; private init; } = [];
    public string OperatorKey { get; private init; } = "";
    public string State { get; private init; } = "";
    public int Agencies { get; private init; } = 1000;
    public int Population { get; private init; } = 10;
    public int Followed { get; private init; } = 1000;
    public long Active { get; private init; } = 20_000;
    public int Concurrency { get; private init; } = 64;
    public double Rate { get; private init; } = 2000;
    public double Duration { get; private init; } = 60;
    public int NameEvery { get; private init; } = 10;
    public double Settle { get; private init; } = 5;
    public double Drain { get; private init; } = 60;
    public int PauseAgency { get; private init; }
    public double PauseAt { get; private init; }
    public double PauseFor { get; private init; }
    public long FirstChange { get; private init; }
    public int WebhookPort { get; private init; }
    public string? Cursors { get; private init; }

    public static Options Parse(string[] args)
    {
        if (args.Length == 0 || args.Length % 2 != 1)
        {
            throw new ArgumentException("usage: propagation-bench setup|run --name value ...");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        double Number(string name, double fallback) => double.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new Options
        {
            Mode = args[0],
            Urls = Get("urls", "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            OperatorKey = Get("operator-key", ""),
            State = Get("state", "propagation-state.json"),
            Agencies = (int)Number("agencies", 1000),
            Population = (int)Number("population", 10),
            Followed = (int)Number("followed", 1000),
            Active = (long)Number("active", 20_000),
            Concurrency = (int)Number("concurrency", 64),
            Rate = Number("rate", 2000),
            Duration = Number("duration", 60),
            NameEvery = (int)Number("name-every", 10),
            Settle = Number("settle", 5),
            Drain = Number("drain", 60),
            PauseAgency = (int)Number("pause-agency", 0),
            PauseAt = Number("pause-at", 0),
            PauseFor = Number("pause-for", 0),
            FirstChange = (long)Number("first-change", 0),
            WebhookPort = (int)Number("webhook-port", 0),
            Cursors = values.GetValueOrDefault("cursors"),
        };
    }
}
