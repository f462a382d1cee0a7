using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>Subscriptions, feeds and their delivery. Bound from <c>Hub:Feeds</c>.</summary>
public sealed class FeedOptions
{
    public const string Section = "Hub:Feeds";

    /// <summary>How long an event stays in an agency's feed; older cursors are answered 410 with the oldest one kept.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the dispatcher looks for new events when the last look found none.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Most long-polls (reads with <c>wait</c>) and streams one agency may hold open on one silo at once.</summary>
    [Range(1, 10_000)]
    public int MaxWaitingReadsPerAgency { get; set; } = 20;

    /// <summary>Most citizens one agency may follow; beyond it a new subscription is refused (409 subscription-limit-reached).</summary>
    [Range(1, 100_000_000)]
    public int MaxCitizenSubscriptionsPerAgency { get; set; } = 100_000;

    /// <summary>Most events fanned out in one transaction.</summary>
    [Range(1, 10_000)]
    public int DispatchBatch { get; set; } = 1_000;
}
