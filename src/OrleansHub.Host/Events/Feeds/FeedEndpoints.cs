using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Agencies;
using OrleansHub.Grains.Events;
using OrleansHub.Grains.Lookups;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Disclosures;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Telemetry;

namespace OrleansHub.Host.Events.Feeds;

/// <summary>
/// Subscriptions and the agency's feed: pull with a cursor (long-polling with <c>wait</c>) or a server-sent-event stream.
/// Events name which fields changed, never their values; reading the new values is a lookup, audited and charged like any.
/// </summary>
public static class FeedEndpoints
{
    public const int MaxPage = 500;
    public const int DefaultPage = 100;
    public const int MaxWaitSeconds = 30;
    public const int MaxSubscriptionPage = 1_000;
    private static readonly TimeSpan StreamHeartbeat = TimeSpan.FromSeconds(15);

    public static WebApplicationBuilder AddAgencyFeeds(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FeedOptions>().BindConfiguration(FeedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<FeedSignals>();
        builder.Services.AddSingleton<SubscriptionServices>();
        builder.Services.AddSingleton<FeedWaitLimits>();
        if (builder.Configuration.GetStorageMode() == StorageMode.Postgres)
        {
            builder.Services.AddSingleton<ISubscriptionStore, PostgresSubscriptionStore>();
            builder.Services.AddSingleton<IAgencyFeedStore, PostgresAgencyFeedStore>();
            builder.Services.AddHostedService<FeedNotificationListener>();
        }
        else
        {
            builder.Services.AddSingleton<InMemorySubscriptionStore>();
            builder.Services.AddSingleton<ISubscriptionStore>(sp => sp.GetRequiredService<InMemorySubscriptionStore>());
            builder.Services.AddSingleton<IAgencyFeedStore, InMemoryAgencyFeedStore>();
        }

        builder.Services.AddHostedService<EventDispatcher>();
        return builder;
    }

    public static AgencyApiRoutes MapFeedsApi(this AgencyApiRoutes group)
    {
        group.MapPut("/subscriptions/citizens/{citizenId}", SubscribeCitizen)
            .AsAgencyOperation("subscribe-citizen", o => o.NamesCitizenInRoute())
            .WithTags(Tag)
            .WithName("SubscribeToCitizen")
            .WithSummary("Follows one citizen's changes")
            .WithDescription("For a purpose in the agency's agreement; optionally only some event types (each must concern a field of the agreement). "
                + "An agency that needs consent must hold the citizen's consent for the purpose (refused as `consent-required` otherwise, whether or not "
                + "the citizen exists). Replaces an earlier subscription to the same citizen. An agency follows at most "
                + "`Hub:Feeds:MaxCitizenSubscriptionsPerAgency` citizens (100,000 by default; beyond it `409 subscription-limit-reached`). "
                + "The subscription is in the citizen's access log.")
            .WithRequestExample(new CitizenSubscriptionRequest("kyc-refresh", [CitizenEventTypes.ResidenceChanged, CitizenEventTypes.DeathRecorded]))
            .ProducesProblems(400, 401, 403, 409, 413, 415, 503);
        group.MapDelete("/subscriptions/citizens/{citizenId}", UnsubscribeCitizen)
            .AsAgencyOperation("unsubscribe-citizen", o => o.NamesCitizenInRoute())
            .WithTags(Tag)
            .WithName("UnsubscribeFromCitizen").WithSummary("Stops following one citizen")
            .ProducesProblems(400, 401, 403, 404, 503);
        group.MapGet("/subscriptions/citizens", ListCitizenSubscriptions)
            .AsAgencyOperation("list-citizen-subscriptions")
            .WithTags(Tag)
            .WithName("ListCitizenSubscriptions")
            .WithSummary("Lists the citizens the agency follows")
            .WithDescription($"By citizen ID, up to `limit` ({DefaultPage} by default, at most {MaxSubscriptionPage}) after `after`.")
            .ProducesProblems(400, 401, 403, 503);
        group.MapPut("/subscriptions/population/{eventType}", SubscribePopulation)
            .AsAgencyOperation("subscribe-event-type")
            .WithTags(Tag)
            .WithName("SubscribeToEventType")
            .WithSummary("Follows one event type for the whole population")
            .WithDescription("Only for state agencies that need no consent, for a purpose in their agreement, and for an event type that concerns a "
                + "field of their agreement (for example the pension fund following deaths).")
            .WithRequestExample(new PopulationSubscriptionRequest("benefit-eligibility"))
            .ProducesProblems(400, 401, 403, 413, 415, 503);
        group.MapDelete("/subscriptions/population/{eventType}", UnsubscribePopulation)
            .AsAgencyOperation("unsubscribe-event-type")
            .WithTags(Tag)
            .WithName("UnsubscribeFromEventType").WithSummary("Stops following an event type population-wide")
            .ProducesProblems(400, 401, 403, 404, 503);
        group.MapGet("/subscriptions/population", ListPopulationSubscriptions)
            .AsAgencyOperation("list-event-type-subscriptions")
            .WithTags(Tag)
            .WithName("ListEventTypeSubscriptions").WithSummary("Lists the agency's population-wide subscriptions")
            .ProducesProblems(401, 403, 503);

        group.MapGet("/feed", ReadFeed)
            .AsAgencyOperation("feed")
            .WithTags(Tag)
            .WithName("ReadFeed")
            .WithSummary("Reads the agency's feed of events after a cursor")
            .WithDescription($"CloudEvents 1.0, oldest first, up to `limit` ({DefaultPage} by default, at most {MaxPage}) after `after` (`0`: from the start). "
                + $"With `wait` (seconds, at most {MaxWaitSeconds}) an empty read waits for the next event (long-poll). Pass `next` as `after`. "
                + "A cursor past the feed's end (beyond the newest position committed, which every cursor the feed gave is at or below) is "
                + "`400 cursor-beyond-end` with `latestCursor`, so a corrupted cursor cannot silently skip events. "
                + "Each event lists only the changed fields the agreement and, where needed, the citizen's consent cover now. A cursor older than the "
                + "feed's retention is `410 cursor-expired` with the oldest cursor kept. An agency may hold a limited number of long-polls "
                + "and streams open on one silo (`Hub:Feeds:MaxWaitingReadsPerAgency`, 20); beyond it, `429 too-many-waiting-reads`.")
            .ProducesProblems(400, 401, 403, 410, 429, 503);
        group.MapGet("/feed/stream", StreamFeed)
            .AsAgencyOperation("feed-stream")
            .WithTags(Tag)
            .WithName("StreamFeed")
            .ReadsHeaders(ApiHeaders.LastEventId)
            .WithSummary("Streams the agency's feed as server-sent events")
            .WithDescription("`text/event-stream`: one event per feed item (`id` is its cursor, `event` its type, `data` the CloudEvent), from `after` or "
                + "the `Last-Event-ID` header when reconnecting, then live. A comment line every 15 s keeps idle connections open. Counts "
                + "against the agency's open long-polls and streams on the silo, like a read with `wait`. When the key that opened the stream is "
                + "revoked (or a rotation's grace ends) the stream sends `event: key-revoked` and closes within a second; a waiting long-poll "
                + "ends with `401 unauthenticated`.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblems(400, 401, 403, 410, 429, 503);
        return group;
    }

    private const string Tag = "Subscriptions and feed";

    private static async Task<Results<Created<CitizenSubscriptionResponse>, Ok<CitizenSubscriptionResponse>, ProblemHttpResult>> SubscribeCitizen(
        string citizenId, CitizenSubscriptionRequest body, CallingAgency caller, HttpContext http, SubscriptionServices services)
    {
        var agency = caller.Policy;
        var errors = AccessRules.ValidateQuestion([], body.Purpose ?? "", fieldsRequired: false);
        if (!PersonalId.TryParse(citizenId, out var id, out var idError))
        {
            errors.Insert(0, new FieldError("citizenId", idError!));
        }

        var types = ValidateTypes(body.EventTypes ?? [], errors);
        if (errors.Count > 0)
        {
            return HubProblems.Validation(errors);
        }

        if (Refusal(agency, body.Purpose!, types.Count == 0 ? CitizenEventTypes.Subscribable : types, allowAnyMatch: types.Count == 0) is { } refused)
        {
            return refused;
        }

        if (await services.Disclosures.MayFollowAsync(agency, id!.Value.Value, body.Purpose!) is var denial and not AccessDenial.None)
        {
            return HubProblems.Of(DisclosureService.ProblemFor(denial));
        }

        var subscription = new CitizenSubscription(agency.Code, id!.Value.Value, body.Purpose!, types, services.Time.GetUtcNow());
        var stored = await services.Store.SubscribeAsync(subscription, services.Options.Value.MaxCitizenSubscriptionsPerAgency, http.RequestAborted);
        if (stored == SubscribeOutcome.LimitReached)
        {
            return HubProblems.Of(ProblemTypes.SubscriptionLimitReached,
                $"The agency already follows {services.Options.Value.MaxCitizenSubscriptionsPerAgency} citizens; stop following some first.");
        }

        // Following a citizen is a disclosure decision: it is in the citizen's access log before the answer.
        await services.Disclosures.AuditSubscriptionAsync(caller, DisclosureService.SubscriptionCreated, subscription.CitizenId, subscription.Purpose,
            subscription.EventTypes, http.TraceIdentifier);
        var response = CitizenSubscriptionResponse.From(subscription);
        return stored == SubscribeOutcome.Created
            ? TypedResults.Created($"/v1/subscriptions/citizens/{subscription.CitizenId}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnsubscribeCitizen(string citizenId, CallingAgency caller, HttpContext http, SubscriptionServices services)
    {
        if (!PersonalId.TryParse(citizenId, out var id, out var idError))
        {
            return HubProblems.Validation("citizenId", idError!);
        }

        if (!await services.Store.UnsubscribeCitizenAsync(caller.Code, id!.Value.Value, http.RequestAborted))
        {
            return HubProblems.Of(ProblemTypes.NotFound, "The agency does not follow this citizen.");
        }

        await services.Disclosures.AuditSubscriptionAsync(caller, DisclosureService.SubscriptionRemoved, id.Value.Value, purpose: null, [], http.TraceIdentifier);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<CitizenSubscriptionPage>, ProblemHttpResult>> ListCitizenSubscriptions(
        string? after, int? limit, CallingAgency agency, HttpContext http, ISubscriptionStore store)
    {
        if (after is not null && !PersonalId.TryParse(after, out _, out _))
        {
            return HubProblems.Validation("after", "Pass the `next` value of the previous page (a citizen ID).");
        }

        if (limit is < 1 or > MaxSubscriptionPage)
        {
            return HubProblems.Validation("limit", $"limit is 1 to {MaxSubscriptionPage}.");
        }

        var size = limit ?? DefaultPage;
        var page = await store.ListCitizensAsync(agency.Code, after, size, http.RequestAborted);
        return TypedResults.Ok(new CitizenSubscriptionPage(
            [.. page.Select(CitizenSubscriptionResponse.From)], page.Count == size ? page[^1].CitizenId : null));
    }

    private static async Task<Results<Created<PopulationSubscriptionResponse>, Ok<PopulationSubscriptionResponse>, ProblemHttpResult>> SubscribePopulation(
        string eventType, PopulationSubscriptionRequest body, CallingAgency caller, HttpContext http, SubscriptionServices services)
    {
        var agency = caller.Policy;
        var errors = AccessRules.ValidateQuestion([], body.Purpose ?? "", fieldsRequired: false);
        ValidateTypes([eventType], errors, member: "eventType");
        if (errors.Count > 0)
        {
            return HubProblems.Validation(errors);
        }

        if (agency.Definition.Kind != AgencyKind.State || agency.Definition.RequiresConsent)
        {
            return HubProblems.Of(ProblemTypes.PopulationSubscriptionNotAllowed);
        }

        if (Refusal(agency, body.Purpose!, [eventType], allowAnyMatch: false) is { } refused)
        {
            return refused;
        }

        var subscription = new PopulationSubscription(agency.Code, eventType, body.Purpose!, services.Time.GetUtcNow());
        var created = await services.Store.SubscribeAsync(subscription, http.RequestAborted);
        await services.Disclosures.AuditSubscriptionAsync(caller, DisclosureService.SubscriptionCreated, citizenId: null, subscription.Purpose, [eventType],
            http.TraceIdentifier);
        var response = PopulationSubscriptionResponse.From(subscription);
        return created
            ? TypedResults.Created($"/v1/subscriptions/population/{eventType}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnsubscribePopulation(string eventType, CallingAgency caller, HttpContext http, SubscriptionServices services)
    {
        if (!await services.Store.UnsubscribePopulationAsync(caller.Code, eventType, http.RequestAborted))
        {
            return HubProblems.Of(ProblemTypes.NotFound, "The agency does not follow this event type.");
        }

        await services.Disclosures.AuditSubscriptionAsync(caller, DisclosureService.SubscriptionRemoved, citizenId: null, purpose: null, [eventType], http.TraceIdentifier);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<PopulationSubscriptionResponse>>, ProblemHttpResult>> ListPopulationSubscriptions(
        CallingAgency agency, HttpContext http, ISubscriptionStore store)
    {
        var list = await store.ListPopulationAsync(agency.Code, http.RequestAborted);
        return TypedResults.Ok<IReadOnlyList<PopulationSubscriptionResponse>>([.. list.Select(PopulationSubscriptionResponse.From)]);
    }

    private static async Task<Results<Ok<FeedPageResponse>, ProblemHttpResult>> ReadFeed(
        string? after, int? limit, int? wait, CallingAgency caller, HttpContext http, [AsParameters] FeedServices services)
    {
        var agency = caller.Policy;
        var waits = services.Waits;
        var errors = new List<FieldError>();
        var cursor = ParseCursor(after, "after", errors);
        if (limit is < 1 or > MaxPage)
        {
            errors.Add(new("limit", $"limit is 1 to {MaxPage}."));
        }

        if (wait is < 0 or > MaxWaitSeconds)
        {
            errors.Add(new("wait", $"wait is 0 to {MaxWaitSeconds} seconds."));
        }

        if (errors.Count > 0)
        {
            return HubProblems.Validation(errors);
        }

        var waiting = wait is > 0;
        if (waiting && !waits.TryEnter(agency.Code))
        {
            return TooManyWaitingReads(http, waits);
        }

        try
        {
            if (!waiting)
            {
                return await ReadOrWaitAsync(agency, cursor, limit ?? DefaultPage, TimeSpan.Zero, http, http.RequestAborted, services);
            }

            // A long-poll outlives the moment its key was checked: it ends when the key is revoked.
            using var watch = KeyWatch.Start(services.Agencies, caller, services.Time, http.RequestAborted);
            try
            {
                return await ReadOrWaitAsync(agency, cursor, limit ?? DefaultPage, TimeSpan.FromSeconds(wait ?? 0), http, watch.Token, services);
            }
            catch (OperationCanceledException) when (watch.Revoked && !http.RequestAborted.IsCancellationRequested)
            {
                return KeyRevoked();
            }
        }
        finally
        {
            if (waiting)
            {
                waits.Leave(agency.Code);
            }
        }
    }

    private static async Task<Results<Ok<FeedPageResponse>, ProblemHttpResult>> ReadOrWaitAsync(
        AgencyPolicy agency, long cursor, int limit, TimeSpan wait, HttpContext http, CancellationToken cancellationToken, FeedServices services)
    {
        var (feeds, signals, time) = (services.Feeds, services.Signals, services.Time);
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var signal = signals.NextAsync(agency.Code);
            var page = await feeds.ReadAsync(agency.Code, cursor, limit, cancellationToken);
            if (page.Expired)
            {
                return Expired(page.OldestAvailable!.Value);
            }

            if (page.Items.Count == 0 && await BeyondEndAsync(feeds, cursor, cancellationToken) is { } beyond)
            {
                return beyond;
            }

            var remaining = deadline - time.GetUtcNow();
            if (page.Items.Count > 0 || remaining <= TimeSpan.Zero)
            {
                var delivered = await DeliverAsync(agency, page.Items, "pull", http.TraceIdentifier, services);
                var next = page.Items.Count > 0 ? page.Items[^1].Position : cursor;
                return TypedResults.Ok(new FeedPageResponse([.. delivered.Select(d => CloudEventResponse.From(d.Event))], next.ToString(CultureInfo.InvariantCulture)));
            }

            await Task.WhenAny(signal, Task.Delay(remaining, time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static async Task<IResult> StreamFeed(
        string? after, CallingAgency caller, HttpContext http, [AsParameters] FeedServices services)
    {
        var agency = caller.Policy;
        var waits = services.Waits;
        var errors = new List<FieldError>();
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        var cursor = string.IsNullOrEmpty(lastEventId) ? ParseCursor(after, "after", errors) : ParseCursor(lastEventId, "Last-Event-ID", errors);
        if (errors.Count > 0)
        {
            return HubProblems.Validation(errors);
        }

        if (!waits.TryEnter(agency.Code))
        {
            return TooManyWaitingReads(http, waits);
        }

        try
        {
            using var watch = KeyWatch.Start(services.Agencies, caller, services.Time, http.RequestAborted);
            return await StreamAsync(agency, cursor, http, watch, services);
        }
        finally
        {
            waits.Leave(agency.Code);
        }
    }

    private static async Task<IResult> StreamAsync(
        AgencyPolicy agency, long cursor, HttpContext http, KeyWatch watch, FeedServices services)
    {
        var (feeds, signals, time, json) = (services.Feeds, services.Signals, services.Time, services.Json.Value);
        var aborted = watch.Token; // the client went away, or the key that opened the stream was revoked
        var first = await feeds.ReadAsync(agency.Code, cursor, MaxPage, aborted);
        if (first.Expired)
        {
            return Expired(first.OldestAvailable!.Value);
        }

        if (first.Items.Count == 0 && await BeyondEndAsync(feeds, cursor, aborted) is { } beyond)
        {
            return beyond;
        }

        // The first page is decided and audited before the stream opens: when the log cannot take it, the answer is
        // 503 audit-unavailable, not a 200 that breaks off.
        IReadOnlyList<DisclosedEvent>? decided = null;
        if (first.Items.Count > 0 && await services.Agencies.FindAsync(agency.Code, aborted) is { IsActive: true } opening)
        {
            decided = await DeliverAsync(opening, first.Items, "stream", http.TraceIdentifier, services);
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await http.Response.WriteAsync("retry: 2000\n\n", aborted);
        await http.Response.Body.FlushAsync(aborted);
        var page = first;
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var signal = signals.NextAsync(agency.Code);
                page ??= await feeds.ReadAsync(agency.Code, cursor, MaxPage, aborted);
                if (page.Expired)
                {
                    // Retention overtook a slow stream: tell the client and end, it reconnects from the oldest cursor.
                    await http.Response.WriteAsync($"event: cursor-expired\ndata: {{\"oldestCursor\":\"{page.OldestAvailable}\"}}\n\n", aborted);
                    return Results.Empty;
                }

                if (page.Items.Count > 0)
                {
                    IReadOnlyList<DisclosedEvent> shown;
                    if (decided is not null)
                    {
                        (shown, decided) = (decided, null);
                    }
                    else if (await services.Agencies.FindAsync(agency.Code, aborted) is { IsActive: true } current)
                    {
                        // A stream outlives the request that opened it: the agency's status is re-read from the directory for every page.
                        shown = await DeliverAsync(current, page.Items, "stream", http.TraceIdentifier, services);
                    }
                    else
                    {
                        return Results.Empty;
                    }

                    foreach (var item in shown)
                    {
                        var data = JsonSerializer.Serialize(CloudEventResponse.From(item.Event), json.SerializerOptions);
                        await http.Response.WriteAsync($"id: {item.Position}\nevent: {item.Event.Type}\ndata: {data}\n\n", aborted);
                    }

                    cursor = page.Items[^1].Position;
                    await http.Response.Body.FlushAsync(aborted);
                }
                else if (await Task.WhenAny(signal, Task.Delay(StreamHeartbeat, time, aborted)) != signal)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", aborted);
                    await http.Response.Body.FlushAsync(aborted);
                }

                page = null;
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away, or the key was revoked.
        }

        if (watch.Revoked && !http.RequestAborted.IsCancellationRequested)
        {
            // Tell the client why, then close: the key that opened the stream is no longer valid.
            await http.Response.WriteAsync("event: key-revoked\ndata: {}\n\n", http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
        }

        return Results.Empty;
    }

    /// <summary>What the page shows the agency (the disclosure service decides and audits it), counted per channel.</summary>
    private static async Task<IReadOnlyList<DisclosedEvent>> DeliverAsync(AgencyPolicy agency, IReadOnlyList<FeedItem> items, string channel, string requestId, FeedServices services)
    {
        var delivered = await services.Disclosures.DeliverAsync(agency, [.. items.Select(i => new EventOffer(i.Position, i.Purpose, i.Event))], channel, requestId);
        var now = services.Time.GetUtcNow();
        foreach (var item in delivered)
        {
            services.Instruments.EventDelivered(agency.Code, channel, item.Event.Time, now);
        }

        return delivered;
    }

    internal static long ParseCursor(string? text, string member, List<FieldError> errors)
    {
        if (text is null)
        {
            return 0;
        }

        if (text.Length is > 0 and <= 19 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor))
        {
            return cursor;
        }

        errors.Add(new(member, "A cursor is the `next` value (or event `id`) the feed gave, a non-negative whole number; `0` is the start."));
        return 0;
    }

    private static IReadOnlyList<string> ValidateTypes(IReadOnlyList<string> types, List<FieldError> errors, string member = "eventTypes")
    {
        if (types.Any(t => t is null || !CitizenEventTypes.Subscribable.Contains(t, StringComparer.Ordinal)))
        {
            errors.Add(new(member, "Unknown event type; the types are: " + string.Join(", ", CitizenEventTypes.Subscribable) + "."));
            return [];
        }

        return [.. types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Why the agreement does not allow following <paramref name="types"/> for <paramref name="purpose"/>, or null. With
    /// <paramref name="allowAnyMatch"/> (all types asked for implicitly) it is enough that some type concerns the agreement.
    /// </summary>
    private static ProblemHttpResult? Refusal(AgencyPolicy agency, string purpose, IReadOnlyList<string> types, bool allowAnyMatch)
    {
        var (denial, _) = AccessRules.CheckAgreement(agency, purpose, []);
        if (denial != AccessDenial.None)
        {
            return HubProblems.Of(DisclosureService.ProblemFor(denial));
        }

        // A type concerns the agreement when the agency may see what the type itself implies and some field it can name.
        bool Concerns(string type) => CitizenEventImplications.AllowsType(type, agency.AllowsField)
            && (CitizenEventClassifier.FieldsOf(type) is not { } fields || fields.Any(agency.AllowsField));
        var outside = types.Where(t => !Concerns(t)).ToList();
        if (outside.Count == 0 || (allowAnyMatch && outside.Count < types.Count))
        {
            return null;
        }

        return HubProblems.Of(ProblemTypes.FieldNotInAgreement,
            "These event types concern no field of the agency's agreement, or imply a field it may not see (GET /events/schemas lists each type's).",
            HubProblems.ErrorList([.. outside.Select(t => new FieldError("eventTypes", t))]));
    }

    private static ProblemHttpResult KeyRevoked()
    {
        return HubProblems.Of(ProblemTypes.Unauthenticated, "The key this read was made with was revoked while it waited; use a current key.");
    }

    private static ProblemHttpResult TooManyWaitingReads(HttpContext http, FeedWaitLimits waits)
    {
        http.Response.Headers.RetryAfter = "1";
        return HubProblems.Of(ProblemTypes.TooManyWaitingReads, extensions: new Dictionary<string, object?> { ["limit"] = waits.MaxPerAgency });
    }

    /// <summary>
    /// A cursor the feed never gave, past its end, would skip every event still to come: <c>400 cursor-beyond-end</c>, else
    /// null. Decided against the high-water mark, the newest position any feed has committed (or the retention floor):
    /// dispatches commit one at a time in position order and that mark never goes back, so every cursor the hub ever gave
    /// (a <c>next</c>, an event's <c>id</c>, a webhook's cursor) is at or below it, on any silo, even while a dispatch is
    /// in flight; positions a dispatch holds but has not committed were never given to anyone. Asked only when a read
    /// found nothing (a cursor before a delivered item is not past the end).
    /// </summary>
    internal static async Task<ProblemHttpResult?> BeyondEndAsync(IAgencyFeedStore feeds, long cursor, CancellationToken cancellationToken)
    {
        if (cursor == 0)
        {
            return null;
        }

        var latest = await feeds.LatestPositionAsync(cancellationToken);
        return cursor > latest ? BeyondEnd(latest) : null;
    }

    internal static ProblemHttpResult BeyondEnd(long latest) => HubProblems.Of(ProblemTypes.CursorBeyondEnd,
        $"The cursor is past the end of the feed; the latest cursor is {latest}.",
        new Dictionary<string, object?> { ["latestCursor"] = latest.ToString(CultureInfo.InvariantCulture) });

    internal static ProblemHttpResult Expired(long oldest) =>
        HubProblems.Of(ProblemTypes.CursorExpired, extensions: new Dictionary<string, object?> { ["oldestCursor"] = oldest.ToString(CultureInfo.InvariantCulture) });
}

/// <summary>What the subscription endpoints use, bundled.</summary>
public sealed class SubscriptionServices(ISubscriptionStore store, DisclosureService disclosures, IOptions<FeedOptions> options, TimeProvider time)
{
    public ISubscriptionStore Store { get; } = store;

    public DisclosureService Disclosures { get; } = disclosures;

    public IOptions<FeedOptions> Options { get; } = options;

    public TimeProvider Time { get; } = time;
}

/// <summary>What the feed endpoints use, bundled.</summary>
public sealed record FeedServices(
    IAgencyFeedStore Feeds, FeedSignals Signals, DisclosureService Disclosures, FeedWaitLimits Waits, AgencyDirectory Agencies,
    IOptions<JsonOptions> Json, HubInstruments Instruments, TimeProvider Time);
