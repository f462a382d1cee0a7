using System.Diagnostics;
using System.Globalization;

namespace OrleansHub.Bench.LookupLoad;

/// <summary>Touches every ID once (file order, fixed concurrency): activates the working set before it is measured.</summary>
public static class Walk
{
    public static async Task<string> RunAsync(LoadOptions options)
    {
        var (_, bodies) = options.LoadBodies();
        using var client = new LookupClient(options);
        var next = -1;
        long ok = 0, non2xx = 0, failed = 0;
        var started = Stopwatch.GetTimestamp();

        async Task Worker()
        {
            for (var i = Interlocked.Increment(ref next); i < bodies.Length; i = Interlocked.Increment(ref next))
            {
                var status = await client.SendAsync(bodies[i]);
                if (status == 0)
                {
                    Interlocked.Increment(ref failed);
                }
                else if (status is >= 200 and < 300)
                {
                    Interlocked.Increment(ref ok);
                }
                else
                {
                    Interlocked.Increment(ref non2xx);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(Worker)));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"mode=walk requests={bodies.Length} ok={ok} non2xx={non2xx} errors={failed} seconds={seconds:F1} rps={bodies.Length / seconds:F0}");
    }
}
