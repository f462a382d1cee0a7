using System.Diagnostics;
using OrleansHub.Host.Events;

namespace OrleansHub.Host.Tests.Events;

internal static class EventLogReading
{
    /// <summary>
    /// Reads from the start until at least <paramref name="count"/> events show (or 10 s pass). The log shows an event only
    /// once every transaction older than it has ended, and other tests' transactions on the same server count too, so a
    /// just-committed event can take a moment to show.
    /// </summary>
    public static async Task<IReadOnlyList<LoggedEvent>> ReadAtLeastAsync(this ICitizenEventLog log, int count, string? type = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var events = await log.ReadAsync(EventCursor.Start, 100, type, default);
            if (events.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return events;
            }

            await Task.Delay(50);
        }
    }
}
