namespace OrleansHub.Client;

/// <summary>Where the hub is and how this agency signs in; the retry settings suit the hub's 429 and 503 answers.</summary>
public sealed class AgencyHubOptions
{
    /// <summary>The hub's base address, e.g. <c>https://hub.example.gov.vn</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The agency's key (<c>ohk_{CODE}_{keyId}_{secret}</c>), sent as a bearer token.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Retries after the first attempt of a request that got 408, 429, 5xx or no answer.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// How long one attempt may take. Longer than the feed's longest wait (<c>GET /v1/feed?wait=</c>, at most 30 s), so a
    /// long-poll is never cut short and retried.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Longest pause between attempts, even when the hub's <c>Retry-After</c> asks for more.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
