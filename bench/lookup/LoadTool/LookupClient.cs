using System.Net;
using System.Net.Http.Headers;

namespace OrleansHub.Bench.LookupLoad;

/// <summary>One HTTP/1.1 client with a bounded connection pool, sending <c>POST /v1/lookups</c> with the agency key.</summary>
public sealed class LookupClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _client;
    private readonly Uri _lookups;
    private readonly AuthenticationHeaderValue _authorization;

    public LookupClient(LoadOptions options)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        _lookups = new Uri(options.Url, options.Path);
        _authorization = new AuthenticationHeaderValue("Bearer", options.Key);
    }

    /// <summary>Sends one lookup; returns the status code, or 0 when the request failed without a response.</summary>
    public async Task<int> SendAsync(byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _lookups)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
            Version = HttpVersion.Version11,
        };
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    public void Dispose() => _client.Dispose();
}
