using OrleansHub.Bench.LookupLoad;

// lookup-load walk --url URL --key KEY --ids FILE [--concurrency 32]
//     Sends one lookup for every ID in FILE, in file order, with CONCURRENCY requests in flight (cache warm-up).
// lookup-load rate --url URL --key KEY --ids FILE --rate R [--duration 20] [--warmup 5] [--connections 64]
//     Open loop: starts R lookups per second for random IDs whatever the server does, and measures each one's latency
//     from the moment it was due to start (so a stalled server shows up as latency, not as fewer requests).
// Both print one summary line "key=value ..." that bench/lookup/run.sh parses.
try
{
    var options = LoadOptions.Parse(args);
    var summary = options.Mode switch
    {
        "walk" => await Walk.RunAsync(options),
        "rate" => await OpenLoop.RunAsync(options),
        _ => throw new ArgumentException($"unknown mode '{options.Mode}' (walk or rate)"),
    };
    Console.WriteLine(summary);
    return 0;
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"lookup-load: {e.Message}");
    return 2;
}
