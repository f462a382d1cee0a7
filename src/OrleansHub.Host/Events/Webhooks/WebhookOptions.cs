using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>Webhook delivery. Bound from <c>Hub:Webhooks</c>; in Development the two target rules are relaxed (see below).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Hub:Webhooks";

    /// <summary>Only https URLs are accepted. False by default in Development, so a local receiver can use http.</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>
    /// Accept URLs and connect to addresses that are not public (loopback, private, link-local, ...). False outside
    /// Development, so the hub cannot be used to probe internal networks.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one delivery attempt may take, from connecting to the response headers.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first retry; it doubles with each failed attempt, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an endpoint may keep failing before it is marked failing and delivery stops until a replay.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most events in one delivery.</summary>
    [Range(1, 500)]
    public int MaxEventsPerMessage { get; set; } = 100;

    /// <summary>How often each silo looks for webhooks with undelivered events or a retry due, e.g. after a silo died.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often, at most, a delivering webhook's cursor is saved; a crash can redeliver up to this much.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CursorSaveInterval { get; set; } = TimeSpan.FromSeconds(1);
}
