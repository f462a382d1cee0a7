using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Agencies;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Events.Feeds;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Events.Webhooks;

/// <summary>
/// Register a webhook; <c>after</c> (a feed cursor) says where delivery starts, by default the feed's current end;
/// <c>rotateSecret</c> issues a new signing secret (shown once, in the answer).
/// </summary>
public sealed record WebhookRequest(string Url, string? After = null, bool? RotateSecret = null);

/// <summary>Deliver again from a feed cursor.</summary>
public sealed record WebhookReplayRequest(string? After);

/// <summary>
/// An agency's webhook. <see cref="Secret"/> is shown once, in the answer that created or rotated it. <see cref="KeyId"/> is
/// the agency key that last set the URL or secret (revoking it disables the webhook); <see cref="VerifiedAt"/> when the
/// endpoint last answered the verification challenge; <see cref="DisabledReason"/> <c>operator</c> or <c>key-revoked</c>.
/// </summary>
public sealed record WebhookResponse(
    string Url, string Status, string DeliveredThrough, int Attempts, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? FailingSince,
    string? KeyId, DateTimeOffset? VerifiedAt, string? DisabledReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    public static WebhookResponse From(WebhookEndpoint e, bool withSecret = false) => new(
        e.Url, e.Status.ToString().ToLowerInvariant(), e.DeliveredThrough.ToString(CultureInfo.InvariantCulture), e.Attempts, e.LastError,
        e.NextAttemptAt, e.FailingSince, e.KeyId, e.VerifiedAt, e.DisabledReason, withSecret ? e.Secret : null);
}

/// <summary>
/// The agency's webhook: its feed pushed to its own server, signed per Standard Webhooks, with retries and replay. The
/// body of each delivery has the shape of a <c>GET /v1/feed</c> page.
/// </summary>
public static class WebhookEndpoints
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>()
            .Configure<IHostEnvironment>((options, environment) =>
            {
                // A developer's receiver runs on their own machine; production rules apply everywhere else.
                if (environment.IsDevelopment())
                {
                    (options.RequireHttps, options.AllowPrivateNetworks) = (false, true);
                }
            })
            .BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient<WebhookSender>(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var allowPrivate = services.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateNetworks;
                return new SocketsHttpHandler
                {
                    ConnectCallback = (context, cancellationToken) => WebhookTargets.ConnectAsync(context.DnsEndPoint, allowPrivate, cancellationToken),
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    // A proxy (HTTPS_PROXY, ALL_PROXY, the system's) would make the connect-time address check see the
                    // proxy instead of the target, and would let the proxy reach what the hub must not.
                    UseProxy = false,
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                    MaxResponseHeadersLength = 64, // KiB
                    MaxResponseDrainSize = 64 * 1024,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan) // the sender applies its own per attempt
            .RemoveAllLoggers();
        builder.Services.AddSingleton<WebhookNudges>();
        builder.Services.AddSingleton<WebhookAudit>();
        if (builder.Configuration.GetStorageMode() == StorageMode.Postgres)
        {
            builder.Services.AddSingleton<IWebhookStore, PostgresWebhookStore>();
        }
        else
        {
            builder.Services.AddSingleton<IWebhookStore, InMemoryWebhookStore>();
        }

        builder.Services.AddHostedService<WebhookSweep>();
        return builder;
    }

    public static AgencyApiRoutes MapWebhooksApi(this AgencyApiRoutes group)
    {
        group.MapPut("/webhook", Register)
            .AsAgencyOperation("webhook-register")
            .WithTags(Tag)
            .WithName("RegisterWebhook")
            .WithSummary("Pushes the agency's feed to its own https endpoint")
            .WithDescription("Each delivery is a `POST` in CloudEvents' batched HTTP content mode: `Content-Type: application/cloudevents-batch+json`, "
                + "the body a JSON array of CloudEvents (at most 100, in feed order, each as the pull feed shows it), and the `Hub-Next-Cursor` header "
                + "holding the feed cursor after the last one (also the last number of the signed `webhook-id`, `msg_{first}_{last}`); signed per Standard Webhooks "
                + "(`webhook-id`, `webhook-timestamp`, `webhook-signature` with the `whsec_` secret, shown only in the answer that creates the webhook). "
                + "A 2xx answer within 10 s is delivery; anything else is retried with exponential backoff and jitter for up to "
                + "`Hub:Webhooks:RetryFor` (24 h), then the webhook is `failing` and events wait in the feed for a replay. Delivery starts after "
                + "`after` (default: the feed's current end); registering again changes the URL and keeps the cursor and secret unless `after` is given "
                + "(`rotateSecret: true` issues a new secret, shown once). The URL must be https and resolve only to public addresses (loopback, private "
                + "and link-local ranges are refused). A new URL or secret takes effect only after the endpoint answers a verification challenge: a "
                + "signed POST (same headers, signed with the new secret) of one structured-mode CloudEvent (`application/cloudevents+json`) "
                + "`{\"specversion\":\"1.0\",\"type\":\"vn.orleanshub.webhook.verification\",\"challenge\":\"...\",…}` "
                + "that must be answered 2xx with `{\"challenge\":\"<the same value>\"}`; otherwise `422 webhook-verification-failed` and nothing "
                + "changes. Every change and refused verification is audited. The webhook is bound to the key that set it: revoking that key "
                + "disables it (register it again with a current key). A webhook the operator disabled cannot be changed (`409 webhook-disabled`).")
            .WithRequestExample(new WebhookRequest("https://hooks.agency.example/orleanshub"))
            .ProducesProblems(400, 401, 403, 409, 410, 413, 415, 422, 503);
        group.MapGet("/webhook", Get)
            .AsAgencyOperation("webhook-get")
            .WithTags(Tag)
            .WithName("GetWebhook").WithSummary("Shows the agency's webhook and how delivery stands (never the secret)")
            .ProducesProblems(401, 403, 404, 503);
        group.MapPost("/webhook/replay", Replay)
            .AsAgencyOperation("webhook-replay")
            .WithTags(Tag)
            .WithName("ReplayWebhook")
            .WithSummary("Delivers again from a feed cursor")
            .WithDescription("From any cursor the feed still keeps (older: `410 cursor-expired`); clears a `failing` state.")
            .WithRequestExample(new WebhookReplayRequest("0"))
            .ProducesProblems(400, 401, 403, 404, 410, 413, 415, 503);
        group.MapDelete("/webhook", Remove)
            .AsAgencyOperation("webhook-remove")
            .WithTags(Tag)
            .WithName("RemoveWebhook").WithSummary("Stops pushing the feed (it can still be pulled)")
            .ProducesProblems(401, 403, 404, 409, 503);
        return group;
    }

    private const string Tag = "Webhooks";

    private static async Task<Results<Created<WebhookResponse>, Ok<WebhookResponse>, ProblemHttpResult>> Register(
        WebhookRequest body, CallingAgency agency, HttpContext http, [AsParameters] WebhookServices services)
    {
        var errors = new List<FieldError>();
        if (WebhookTargets.Refusal(body.Url, services.Options.Value) is { } refusal)
        {
            errors.Add(new("url", refusal));
        }

        var after = body.After is null ? (long?)null : FeedEndpoints.ParseCursor(body.After, "after", errors);
        if (errors.Count > 0)
        {
            return HubProblems.Validation(errors);
        }

        var latest = await services.Feeds.LatestPositionAsync(http.RequestAborted);
        if (after is { } from && await CursorProblemAsync(agency.Code, from, latest, services.Feeds, http.RequestAborted) is { } problem)
        {
            return problem;
        }

        var grain = services.Grains.GetGrain<IWebhookDeliveryGrain>(agency.Code);
        var existing = await grain.GetAsync();
        if (existing is { DisabledReason: WebhookEndpoint.DisabledByOperator })
        {
            return HubProblems.Of(ProblemTypes.WebhookDisabled);
        }

        // A new URL, a new secret, or a webhook a revoked key had set: the endpoint must first prove it is the agency's.
        var rotate = existing is null || body.RotateSecret == true;
        var reasons = new List<string>();
        if (existing is null)
        {
            reasons.Add("created");
        }
        else
        {
            if (existing.Url != body.Url)
            {
                reasons.Add("url-changed");
            }

            if (rotate)
            {
                reasons.Add("secret-rotated");
            }

            if (existing.Status == WebhookStatus.Disabled && reasons.Count == 0)
            {
                reasons.Add("re-enabled");
            }
        }

        string? newSecret = rotate ? WebhookSigner.NewSecret() : null;
        DateTimeOffset? verifiedAt = null;
        if (reasons.Count > 0)
        {
            if (await services.Sender.VerifyAsync(body.Url, newSecret ?? existing!.Secret, http.RequestAborted) is { } failure)
            {
                // The agency API's pipeline audits this refusal (operation webhook-register, reason webhook-verification-failed).
                return HubProblems.Of(ProblemTypes.WebhookVerificationFailed, $"The endpoint did not pass the verification challenge: {failure}.");
            }

            verifiedAt = services.Time.GetUtcNow();
        }

        var registration = await grain.RegisterAsync(new WebhookChange(body.Url, newSecret, after ?? latest, KeepCursor: after is null, agency.KeyId, verifiedAt));
        if (reasons.Count > 0)
        {
            await services.Audit.RecordAsync(agency.Code, WebhookAudit.Changed, AuditOutcome.Allowed, string.Join(',', reasons), http.TraceIdentifier);
        }

        var response = WebhookResponse.From(registration.Endpoint, withSecret: newSecret is not null);
        return registration.Created ? TypedResults.Created("/v1/webhook", response) : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> Get(CallingAgency agency, IGrainFactory grains)
    {
        return await grains.GetGrain<IWebhookDeliveryGrain>(agency.Code).GetAsync() is { } endpoint
            ? TypedResults.Ok(WebhookResponse.From(endpoint))
            : NoWebhook();
    }

    private static async Task<Results<Accepted<WebhookResponse>, ProblemHttpResult>> Replay(
        WebhookReplayRequest body, CallingAgency agency, HttpContext http, IAgencyFeedStore feeds, IGrainFactory grains)
    {
        var errors = new List<FieldError>();
        var after = body.After is null
            ? Missing(errors)
            : FeedEndpoints.ParseCursor(body.After, "after", errors);
        if (errors.Count > 0)
        {
            return HubProblems.Validation(errors);
        }

        var latest = await feeds.LatestPositionAsync(http.RequestAborted);
        if (await CursorProblemAsync(agency.Code, after, latest, feeds, http.RequestAborted) is { } problem)
        {
            return problem;
        }

        var grain = grains.GetGrain<IWebhookDeliveryGrain>(agency.Code);
        return await grain.ReplayAsync(after) && await grain.GetAsync() is { } endpoint
            ? TypedResults.Accepted("/v1/webhook", WebhookResponse.From(endpoint))
            : NoWebhook();

        static long Missing(List<FieldError> errors)
        {
            errors.Add(new("after", "after is required: the feed cursor to deliver again from (`0`: the oldest kept)."));
            return 0;
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(CallingAgency agency, HttpContext http, IGrainFactory grains, WebhookAudit audit)
    {
        var grain = grains.GetGrain<IWebhookDeliveryGrain>(agency.Code);
        if (await grain.GetAsync() is { DisabledReason: WebhookEndpoint.DisabledByOperator })
        {
            return HubProblems.Of(ProblemTypes.WebhookDisabled);
        }

        if (!await grain.RemoveAsync())
        {
            return NoWebhook();
        }

        await audit.RecordAsync(agency.Code, WebhookAudit.Removed, AuditOutcome.Allowed, "by-agency", http.TraceIdentifier);
        return TypedResults.NoContent();
    }

    /// <summary>The operator's view of agencies' webhooks: see one, disable it (delivery stops at once), remove it.</summary>
    public static IEndpointRouteBuilder MapWebhookAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/agencies/{code}/webhook").WithTags("Agencies").RequireAuthorization(Roles.OperatorPolicy);
        group.MapGet("", AdminGet)
            .WithName("GetAgencyWebhook")
            .WithSummary("Shows an agency's webhook: URL, status, the key that set it, when it was verified (never the secret)");
        group.MapPost("/disable", AdminDisable)
            .WithName("DisableAgencyWebhook")
            .WithSummary("Stops delivery to an agency's webhook; the agency cannot change or remove it until the operator removes it")
            .WithDescription("Audited. The events wait in the agency's feed.");
        group.MapDelete("", AdminRemove)
            .WithName("RemoveAgencyWebhook")
            .WithSummary("Removes an agency's webhook (audited); the agency may register a new one, verified afresh");
        return app;
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> AdminGet(string code, IGrainFactory grains) =>
        AgencyRules.IsCode(code) && await grains.GetGrain<IWebhookDeliveryGrain>(code).GetAsync() is { } endpoint
            ? TypedResults.Ok(WebhookResponse.From(endpoint))
            : NoWebhook();

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> AdminDisable(string code, HttpContext http, IGrainFactory grains, WebhookAudit audit)
    {
        if (!AgencyRules.IsCode(code))
        {
            return NoWebhook();
        }

        var grain = grains.GetGrain<IWebhookDeliveryGrain>(code);
        if (!await grain.DisableAsync(WebhookEndpoint.DisabledByOperator))
        {
            return NoWebhook();
        }

        await audit.RecordAsync(code, WebhookAudit.Disabled, AuditOutcome.Allowed, WebhookEndpoint.DisabledByOperator, http.TraceIdentifier);
        return TypedResults.Ok(WebhookResponse.From((await grain.GetAsync())!));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> AdminRemove(string code, HttpContext http, IGrainFactory grains, WebhookAudit audit)
    {
        if (!AgencyRules.IsCode(code) || !await grains.GetGrain<IWebhookDeliveryGrain>(code).RemoveAsync())
        {
            return NoWebhook();
        }

        await audit.RecordAsync(code, WebhookAudit.Removed, AuditOutcome.Allowed, "by-operator", http.TraceIdentifier);
        return TypedResults.NoContent();
    }

    /// <summary>A cursor past the feed's end would skip events still to come; one older than retention has lost some.</summary>
    private static async Task<ProblemHttpResult?> CursorProblemAsync(string agencyCode, long cursor, long latest, IAgencyFeedStore feeds, CancellationToken cancellationToken)
    {
        if (cursor > latest)
        {
            return FeedEndpoints.BeyondEnd(latest);
        }

        var page = await feeds.ReadAsync(agencyCode, cursor, 1, cancellationToken);
        return page.Expired ? FeedEndpoints.Expired(page.OldestAvailable!.Value) : null;
    }

    private static ProblemHttpResult NoWebhook() => HubProblems.Of(ProblemTypes.NotFound, "The agency has no webhook.");
}

/// <summary>What registering a webhook uses, bundled.</summary>
public sealed record WebhookServices(
    IAgencyFeedStore Feeds, IGrainFactory Grains, WebhookSender Sender, WebhookAudit Audit, IOptions<WebhookOptions> Options, TimeProvider Time);
