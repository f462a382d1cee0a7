using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OrleansHub.Grains;
using OrleansHub.Host.Lookups;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Fees;

/// <summary>Endpoint metadata: the endpoint honours <c>Idempotency-Key</c> (the agency API's billable POSTs).</summary>
public sealed record IdempotentOperation;

/// <summary>
/// <c>Idempotency-Key</c> on the agency API's billable POSTs. The first request with a key is served and its answer
/// (status, content type, body) kept for <see cref="FeeOptions.IdempotencyWindow"/>; a retry with the same key and the same
/// request (SHA-256 of method, path and body) gets that answer back with <c>Idempotent-Replayed: true</c> and is neither
/// audited nor charged again. The same key with another request is 422 <c>idempotency-key-reused</c>; a retry while the
/// first is still being answered is 409 <c>idempotency-request-in-flight</c> with <c>Retry-After</c>. Answers the hub
/// could not give (5xx, e.g. the audit log was down, so nothing was disclosed or charged) are not kept: a retry is served
/// afresh. Keys are per agency.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Longest key accepted (a UUID is 36).</summary>
    public const int MaxKeyLength = 255;

    public async Task InvokeAsync(HttpContext http, IIdempotencyStore store, IOptions<FeeOptions> options, AccessAudit audit, [FromKeyedServices(HubClock.Key)] TimeProvider time)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<IdempotentOperation>() is null
            || !http.Request.Headers.TryGetValue(Header, out var values)
            || http.User.FindFirst(HubClaims.Agency)?.Value is not { } agency)
        {
            await next(http);
            return;
        }

        if (values.Count != 1 || values[0] is not { Length: > 0 and <= MaxKeyLength } key || key.Any(c => c is < '!' or > '~'))
        {
            await RefuseAsync(http, audit, ProblemTypes.MalformedRequest,
                $"{Header} must be one value of 1 to {MaxKeyLength} visible ASCII characters (a UUID is a good key).");
            return;
        }

        var requestHash = await HashRequestAsync(http.Request);
        var settings = options.Value;
        var claim = await store.ClaimAsync(agency, key, requestHash, time.GetUtcNow(), settings.IdempotencyLease, settings.IdempotencyWindow, http.RequestAborted);
        switch (claim.State)
        {
            case IdempotencyState.Answered:
                http.Response.StatusCode = claim.Answer!.Status;
                http.Response.ContentType = claim.Answer.ContentType;
                http.Response.Headers[ReplayedHeader] = "true";
                await http.Response.Body.WriteAsync(claim.Answer.Body, http.RequestAborted);
                return;
            case IdempotencyState.OtherRequest:
                await RefuseAsync(http, audit, ProblemTypes.IdempotencyKeyReused, null);
                return;
            case IdempotencyState.InFlight:
                http.Response.Headers.RetryAfter = "1";
                await RefuseAsync(http, audit, ProblemTypes.IdempotencyRequestInFlight, null);
                return;
        }

        await ServeAndKeepAsync(http, store, agency, key, requestHash);
    }

    private async Task ServeAndKeepAsync(HttpContext http, IIdempotencyStore store, string agency, string key, byte[] requestHash)
    {
        var original = http.Response.Body;
        using var captured = new MemoryStream();
        http.Response.Body = captured;
        var keep = false;
        try
        {
            await next(http);
            keep = http.Response.StatusCode < 500;
            if (keep)
            {
                // Kept before it is sent: a client that sees the answer can always have it replayed.
                await store.CompleteAsync(agency, key, requestHash, new StoredAnswer(http.Response.StatusCode, http.Response.ContentType, captured.ToArray()), CancellationToken.None);
            }
        }
        finally
        {
            http.Response.Body = original;
            if (!keep)
            {
                await store.ReleaseAsync(agency, key, requestHash, CancellationToken.None);
            }
        }

        captured.Position = 0;
        await captured.CopyToAsync(original, http.RequestAborted);
    }

    /// <summary>SHA-256 of method, path and query, and body; the body stays readable for the endpoint.</summary>
    private static async Task<byte[]> HashRequestAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return hash.GetHashAndReset();
    }

    /// <summary>Refuses before the endpoint ran; audited like every refusal of the agency API.</summary>
    private static async Task RefuseAsync(HttpContext http, AccessAudit audit, ProblemType type, string? detail)
    {
        var (answered, auditId) = await audit.AuditIfAgencyRefusalAsync(http, type);
        var extensions = new Dictionary<string, object?>();
        if (auditId is not null)
        {
            extensions["auditId"] = auditId;
        }

        await HubProblems.Of(answered, answered == type ? detail : null, extensions).ExecuteAsync(http);
    }
}

/// <summary>Deletes idempotency records past their window every few minutes.</summary>
public sealed partial class IdempotencyPurger(IIdempotencyStore store, [FromKeyedServices(HubClock.Key)] TimeProvider time, ILogger<IdempotencyPurger> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await store.PurgeExpiredAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
            {
                LogPurgeFailed(exception.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expired idempotency records could not be deleted ({ExceptionType}); next try in five minutes")]
    private partial void LogPurgeFailed(string exceptionType);
}
