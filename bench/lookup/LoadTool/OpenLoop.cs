using System.Diagnostics;
using System.Globalization;

namespace OrleansHub.Bench.LookupLoad;

/// <summary>
/// A fixed request rate, independent of the server (open loop, as wrk2 does): request i is due at start + i / rate and
/// its latency runs from that due time, so queueing in the client or server counts (no coordinated omission).
/// A scheduler thread wakes about every millisecond and starts whatever became due.
/// </summary>
public static class OpenLoop
{
    public static async Task<string> RunAsync(LoadOptions options)
    {
        if (options.Rate <= 0)
        {
            throw new ArgumentException("--rate must be positive");
        }

        var (_, bodies) = options.LoadBodies();
        using var client = new LookupClient(options);
        var ticksPerRequest = Stopwatch.Frequency / options.Rate;
        var warmupCount = (long)(options.WarmupSeconds * options.Rate);
        var total = warmupCount + (long)(options.DurationSeconds * options.Rate);

        // Latency in microseconds per measured request; -1 = no 2xx answer (counted separately).
        var latencies = new long[total - warmupCount];
        long non2xx = 0, failed = 0;
        var inFlight = new List<Task>(capacity: (int)Math.Min(total, 1_000_000));
        var random = new Random(42);
        var start = Stopwatch.GetTimestamp();

        async Task Send(long index, long due, byte[] body)
        {
            var status = await client.SendAsync(body);
            var micros = (Stopwatch.GetTimestamp() - due) * 1_000_000 / Stopwatch.Frequency;
            if (index < warmupCount)
            {
                return;
            }

            if (status is >= 200 and < 300)
            {
                latencies[index - warmupCount] = micros;
                return;
            }

            latencies[index - warmupCount] = -1;
            if (status == 0)
            {
                Interlocked.Increment(ref failed);
            }
            else
            {
                Interlocked.Increment(ref non2xx);
            }
        }

        // The scheduler owns a thread of its own so that a busy thread pool cannot delay request starts.
        var scheduler = new Thread(() =>
        {
            for (long i = 0; i < total;)
            {
                var dueNow = (long)((Stopwatch.GetTimestamp() - start) / ticksPerRequest);
                for (; i < total && i <= dueNow; i++)
                {
                    // Random is not thread-safe: the ID is drawn here, on the scheduler thread.
                    inFlight.Add(Send(i, start + (long)(i * ticksPerRequest), bodies[random.Next(bodies.Length)]));
                }

                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "open-loop scheduler" };
        scheduler.Start();
        scheduler.Join();
        var scheduleSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        // Late answers still count: wait for them (a request that never answers within the client's timeout is an error).
        await Task.WhenAll(inFlight);
        var measured = latencies.Where(l => l >= 0).Order().ToArray();
        double Percentile(double p) => measured.Length == 0 ? double.NaN : measured[(int)Math.Min(measured.Length - 1, Math.Ceiling(p * measured.Length) - 1)] / 1000.0;

        return string.Create(CultureInfo.InvariantCulture,
            $"mode=rate target_rps={options.Rate:F0} achieved_rps={latencies.Length / (scheduleSeconds - options.WarmupSeconds):F0} " +
            $"requests={latencies.Length} ok={measured.Length} non2xx={non2xx} errors={failed} " +
            $"p50_ms={Percentile(0.50):F2} p90_ms={Percentile(0.90):F2} p99_ms={Percentile(0.99):F2} p999_ms={Percentile(0.999):F2} max_ms={(measured.Length == 0 ? double.NaN : measured[^1] / 1000.0):F2}");
    }
}
