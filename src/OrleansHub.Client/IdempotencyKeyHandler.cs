namespace OrleansHub.Client;

/// <summary>
/// Gives every POST without one an <c>Idempotency-Key</c>. It sits outside the retry handler, so every attempt of one call
/// carries the same key: the hub answers a retried lookup from what it kept (charged and audited once), never twice.
/// </summary>
public sealed class IdempotencyKeyHandler : DelegatingHandler
{
    public const string HeaderName = "Idempotency-Key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && !request.Headers.Contains(HeaderName))
        {
            request.Headers.Add(HeaderName, Guid.NewGuid().ToString());
        }

        return base.SendAsync(request, cancellationToken);
    }
}
