using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.Kiota.Http.HttpClientLibrary;
using OrleansHub.Client.Generated;

namespace OrleansHub.Client;

/// <summary>
/// The agency API: <see cref="Api"/> is the client generated from the hub's OpenAPI document, over an HttpClient that
/// signs in with the agency key, adds idempotency keys to POSTs and retries what may be retried (honouring
/// <c>Retry-After</c>). Register with <see cref="AgencyHubClientExtensions.AddAgencyHubClient"/>.
/// </summary>
public sealed class AgencyHubClient
{
    public AgencyHubClient(HttpClient http, IOptions<AgencyHubOptions> options)
    {
        var hub = options.Value.BaseAddress ?? throw new InvalidOperationException("AgencyHubOptions.BaseAddress is required.");
        var adapter = new HttpClientRequestAdapter(new ApiKeyAuthentication(hub, options.Value.ApiKey), httpClient: http) { BaseUrl = hub.ToString().TrimEnd('/') };
        Api = new AgencyApi(adapter);
    }

    public AgencyApi Api { get; }

    /// <summary>A reader of this agency's feed that resumes from the cursor <paramref name="cursors"/> keeps.</summary>
    public FeedReader Feed(ICursorStore cursors) => new(Api, cursors);
}

public static class AgencyHubClientExtensions
{
    private const string HttpClientName = "orleanshub-agency";

    /// <summary>
    /// Registers <see cref="AgencyHubClient"/>: Microsoft.Extensions.Http.Resilience's standard pipeline (retries with
    /// backoff and jitter that wait as long as the hub's <c>Retry-After</c> says, a circuit breaker, timeouts), behind a
    /// handler that gives each POST its idempotency key before the first attempt.
    /// </summary>
    public static IHttpClientBuilder AddAgencyHubClient(this IServiceCollection services, Action<AgencyHubOptions> configure)
    {
        services.AddOptions<AgencyHubOptions>().Configure(configure)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "AgencyHubOptions.BaseAddress must be an absolute URI.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiKey), "AgencyHubOptions.ApiKey is required.");
        services.AddTransient<IdempotencyKeyHandler>();
        var http = services.AddHttpClient<AgencyHubClient>(HttpClientName).AddHttpMessageHandler<IdempotencyKeyHandler>();
        http.AddStandardResilienceHandler().Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
        {
            var options = provider.GetRequiredService<IOptions<AgencyHubOptions>>().Value;
            resilience.Retry.MaxRetryAttempts = options.MaxRetries;
            resilience.Retry.ShouldRetryAfterHeader = true;
            resilience.Retry.MaxDelay = options.MaxRetryDelay;
            resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
            resilience.TotalRequestTimeout.Timeout = options.AttemptTimeout * (options.MaxRetries + 1) + options.MaxRetryDelay * options.MaxRetries;
            resilience.CircuitBreaker.SamplingDuration = options.AttemptTimeout * 2;   // the pipeline requires at least twice the attempt timeout
        });
        return http;
    }
}
