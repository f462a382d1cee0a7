using System.Text.Json;
using OrleansHub.Bench.Propagation;

// propagation-bench setup --urls U1,U2,U3 --operator-key K --state FILE [--agencies 1000] [--population 10]
//                         [--followed 1000] [--active 20000] [--concurrency 64]
//     Registers the agencies and keys, the subscriptions (agency i follows citizens i, i + agencies, ...; the population
//     agencies follow every name correction) and creates the citizens the run changes, all through the hub's API.
// propagation-bench run --urls U1,U2,U3 --operator-key K --state FILE [--rate 2000] [--duration 60] [--name-every 10]
//                       [--concurrency 64] [--settle 5] [--drain 60] [--pause-agency A --pause-at S --pause-for 30]
//     One receiver per agency (SSE for even agencies, long-poll for odd), then an open-loop writer; prints the latency from
//     each change's acknowledgement to each receipt, the events lost and those received out of per-citizen order.
// Both print "key=value" lines that bench/propagation/run.sh copies into the results.
try
{
    var options = Options.Parse(args);
    if (options.Urls.Count == 0 || options.OperatorKey.Length == 0)
    {
        throw new ArgumentException("--urls and --operator-key are required");
    }

    var summary = options.Mode switch
    {
        "setup" => await Setup.RunAsync(options),
        "run" => await new Run(options, JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(options.State))!).RunAsync(),
        _ => throw new ArgumentException($"unknown mode '{options.Mode}' (setup or run)"),
    };
    Console.WriteLine(summary);
    return 0;
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"propagation-bench: {e.Message}");
    return 2;
}
