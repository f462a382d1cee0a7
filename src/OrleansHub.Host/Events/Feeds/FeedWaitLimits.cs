using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>
/// Caps how many long-polls (reads with <c>wait</c>) and streams one agency holds open on this silo at once, so one agency
/// cannot tie up a silo's connections and feed reads at the expense of the others.
/// </summary>
public sealed class FeedWaitLimits(IOptions<FeedOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    public int MaxPerAgency => options.Value.MaxWaitingReadsPerAgency;

    /// <summary>Takes one of the agency's places; false when they are all taken. Give it back with <see cref="Leave"/>.</summary>
    public bool TryEnter(string agencyCode)
    {
        if (_open.AddOrUpdate(agencyCode, 1, static (_, open) => open + 1) <= MaxPerAgency)
        {
            return true;
        }

        Leave(agencyCode);
        return false;
    }

    /// <summary>How many places the agency holds on this silo now.</summary>
    public int OpenFor(string agencyCode) => _open.GetValueOrDefault(agencyCode);

    public void Leave(string agencyCode) => _open.AddOrUpdate(agencyCode, 0, static (_, open) => open - 1);
}
