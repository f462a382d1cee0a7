using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using OrleansHub.Grains;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// Re-checks what a kept answer disclosed against the agency's agreement and the consent in force now (the disclosure
/// service does: the agreement ∩ consent rule lives there only). Null when the answer may be sent again, else the denial.
/// </summary>
public interface IReplayCheck
{
    ValueTask<ProblemType?> RecheckAsync(CallingAgency agency, DisclosureSummary disclosed, CancellationToken cancellationToken);
}

/// <summary>
/// <c>Idempotency-Key</c> on the agency API's billable POSTs, as a step of the pipeline (after suspension and quota). The
/// first request with a key is served and its answer (status, content type, body) kept for
/// <see cref="IdempotencyOptions.IdempotencyWindow"/> with what it disclosed. A retry with the same key and the same request
/// (SHA-256 of method, route, query and body) is a replay: the pipeline has already refused it if the agency is now
/// suspended; the disclosure is re-checked against the agreement and the consent in force (<see cref="IReplayCheck"/>) and
/// refused, audited, when they no longer allow it; otherwise the replay is audited (reason <c>idempotent-replay</c>, not
/// charged again) and the kept answer is sent with <c>Idempotent-Replayed: true</c>. The same key with another request is
/// 422 <c>idempotency-key-reused</c>; a retry while the first is still being answered is 409
/// <c>idempotency-request-in-flight</c> with <c>Retry-After</c>. Answers the hub could not give (5xx) are not kept. Keys are
/// per agency.
/// </summary>
public sealed class Idempotency(
    IIdempotencyStore store,
    IReplayCheck replays,
    RefusalAudit audit,
    IOptions<IdempotencyOptions> options,
    IOptions<JsonOptions> json,
    [FromKeyedServices(HubClock.Key)] TimeProvider time)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The audit reason of a replayed answer.</summary>
    public const string ReplayReason = "idempotent-replay";

    /// <summary>Longest key accepted (a UUID is 36).</summary>
    public const int MaxKeyLength = 255;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, CallingAgency agency, AgencyOperation operation, Func<ValueTask<object?>> run)
    {
        var http = context.HttpContext;
        var values = http.Request.Headers[Header];
        if (values.Count != 1 || values[0] is not { Length: > 0 and <= MaxKeyLength } key || key.Any(c => c is < '!' or > '~'))
        {
            return await audit.RefuseAsync(http, ProblemTypes.MalformedRequest, operation.CitizensOf(context.Arguments, http),
                $"{Header} must be one value of 1 to {MaxKeyLength} visible ASCII characters (a UUID is a good key).");
        }

        var requestHash = HashRequest(http, context.Arguments);
        var settings = options.Value;
        var claim = await store.ClaimAsync(agency.Code, key, requestHash, time.GetUtcNow(), settings.IdempotencyLease, settings.IdempotencyWindow, http.RequestAborted);
        switch (claim.State)
        {
            case IdempotencyState.Answered:
                return await ReplayAsync(http, agency, operation, context.Arguments, claim.Answer!);
            case IdempotencyState.OtherRequest:
                return await audit.RefuseAsync(http, ProblemTypes.IdempotencyKeyReused, operation.CitizensOf(context.Arguments, http));
            case IdempotencyState.InFlight:
                http.Response.Headers.RetryAfter = "1";
                return await audit.RefuseAsync(http, ProblemTypes.IdempotencyRequestInFlight, operation.CitizensOf(context.Arguments, http));
        }

        return await ServeAndKeepAsync(http, agency.Code, key, requestHash, run);
    }

    private async ValueTask<object?> ServeAndKeepAsync(HttpContext http, string agency, string key, byte[] requestHash, Func<ValueTask<object?>> run)
    {
        var summary = new DisclosureSummary();
        http.Features.Set(summary);
        var original = http.Response.Body;
        using var captured = new MemoryStream();
        http.Response.Body = captured;
        var keep = false;
        try
        {
            if (await run() is IResult result)
            {
                await result.ExecuteAsync(http);
            }

            keep = http.Response.StatusCode < 500;
            if (keep)
            {
                // Kept before it is sent: a client that sees the answer can always have it replayed.
                var disclosed = JsonSerializer.SerializeToUtf8Bytes(summary, AgencyApiJsonContext.Default.DisclosureSummary);
                try
                {
                    await store.CompleteAsync(agency, key, requestHash,
                        new StoredAnswer(http.Response.StatusCode, http.Response.ContentType, captured.ToArray(), disclosed), CancellationToken.None);
                }
                catch
                {
                    // Not kept, so not sent (the failure is answered 503): the claim is released for a retry to be served afresh,
                    // instead of being held as in flight until its lease lapses.
                    keep = false;
                    throw;
                }
            }
        }
        finally
        {
            http.Response.Body = original;
            http.Features.Set<DisclosureSummary>(null);
            if (!keep)
            {
                await store.ReleaseAsync(agency, key, requestHash, CancellationToken.None);
            }
        }

        captured.Position = 0;
        await captured.CopyToAsync(original, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>Re-checks the kept answer's disclosure, audits the replay, and sends the kept answer; or refuses it, audited.</summary>
    private async ValueTask<object?> ReplayAsync(HttpContext http, CallingAgency agency, AgencyOperation operation, IList<object?> arguments, StoredAnswer answer)
    {
        var disclosed = answer.Disclosed is { Length: > 0 } bytes
            ? JsonSerializer.Deserialize(bytes, AgencyApiJsonContext.Default.DisclosureSummary) ?? new DisclosureSummary()
            : new DisclosureSummary();
        if (await replays.RecheckAsync(agency, disclosed, http.RequestAborted) is { } denial)
        {
            var citizens = disclosed.Items.Count > 0 ? [.. disclosed.Items.Select(i => i.CitizenId)] : operation.CitizensOf(arguments, http);
            return await audit.RefuseAsync(http, denial, citizens, "The answer kept for this key may no longer be given: " + denial.Description);
        }

        try
        {
            await audit.AuditReplayAsync(http, operation.Name, disclosed);
        }
        catch (AuditUnavailableException)
        {
            http.Response.Headers.RetryAfter = "1";
            return HubProblems.Of(ProblemTypes.AuditUnavailable);
        }

        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = answer.ContentType;
        http.Response.Headers[ReplayedHeader] = "true";
        await http.Response.Body.WriteAsync(answer.Body, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>SHA-256 of the method, the route, the query and the bound body (as JSON): what makes two requests the same.</summary>
    private byte[] HashRequest(HttpContext http, IList<object?> arguments)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The path in one letter case: /V1/lookups is the same endpoint as /v1/lookups.
        hash.AppendData(Encoding.UTF8.GetBytes($"{http.Request.Method}\n{http.Request.Path.Value?.ToLowerInvariant()}\n{http.Request.QueryString}\n"));
        var bodyType = http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        foreach (var argument in arguments)
        {
            if (argument is not null && argument.GetType() == bodyType)
            {
                hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(argument, argument.GetType(), json.Value.SerializerOptions));
            }
        }

        return hash.GetHashAndReset();
    }
}
