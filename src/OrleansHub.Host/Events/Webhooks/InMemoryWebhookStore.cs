using System.Collections.Concurrent;
using OrleansHub.Host.Events.Feeds;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>The webhooks of embedded mode, in memory.</summary>
public sealed class InMemoryWebhookStore(IAgencyFeedStore feeds) : IWebhookStore
{
    private readonly ConcurrentDictionary<string, WebhookEndpoint> _endpoints = new(StringComparer.Ordinal);

    public Task<WebhookEndpoint?> FindAsync(string agencyCode, CancellationToken cancellationToken) =>
        Task.FromResult(_endpoints.GetValueOrDefault(agencyCode));

    public Task SaveAsync(WebhookEndpoint endpoint, CancellationToken cancellationToken)
    {
        _endpoints[endpoint.AgencyCode] = endpoint;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string agencyCode, CancellationToken cancellationToken) =>
        Task.FromResult(_endpoints.TryRemove(agencyCode, out _));

    public async Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var backlog = new List<WebhookBacklog>();
        foreach (var endpoint in _endpoints.Values)
        {
            var page = await feeds.ReadAsync(endpoint.AgencyCode, endpoint.DeliveredThrough, FeedEndpoints.MaxPage, cancellationToken);
            var pending = page.Items.Count;
            var due = endpoint.Status switch
            {
                WebhookStatus.Active => pending > 0 || page.Expired,
                WebhookStatus.Retrying => endpoint.NextAttemptAt <= now,
                _ => false,
            };
            backlog.Add(new WebhookBacklog(endpoint.AgencyCode, pending, due));
        }

        return backlog;
    }
}
