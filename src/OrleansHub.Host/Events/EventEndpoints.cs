using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Events;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Events;

/// <summary>
/// One event in CloudEvents 1.0 JSON structured mode. <c>subject</c> is the citizen; <c>sequence</c> is the CloudEvents
/// sequence extension (a string, per that extension) holding the per-citizen sequence number.
/// </summary>
public sealed record CloudEventResponse(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    string Id,
    string Source,
    string Type,
    string Subject,
    DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    string Sequence,
    CitizenEventData Data)
{
    public const string RegistrySource = "/orleanshub/registry";

    public static CloudEventResponse From(CitizenEvent e) => new(
        "1.0", e.Id.ToString(), RegistrySource, e.Type, e.CitizenId, e.Time, "application/json",
        e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
        new CitizenEventData(e.CitizenId, e.Sequence, e.RecordVersion, e.ChangedFields, e.Consent?.ConsentId.ToString(), e.Consent?.Purpose));
}

/// <summary>
/// The event's data: which citizen, the record version after the change, and the names of the fields that changed. A
/// consent-revoked event names instead the fields the consent covered, and carries the consent's ID and purpose.
/// </summary>
public sealed record CitizenEventData(
    string CitizenId, long Sequence, long RecordVersion, IReadOnlyList<string> ChangedFields,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConsentId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Purpose = null);

/// <summary>An event type and the address of its JSON Schema.</summary>
public sealed record EventSchemaLink(string Type, string Schema);

/// <summary>A page of the event log; read on with <see cref="Next"/> as <c>after</c> (it is the same cursor when the page is empty).</summary>
public sealed record EventPageResponse(IReadOnlyList<CloudEventResponse> Events, string Next);

/// <summary>Wires the citizen event log (PostgreSQL or in memory) and the operator's view of it.</summary>
public static class EventEndpoints
{
    public const int MaxPage = 500;
    public const int DefaultPage = 100;

    public static WebApplicationBuilder AddCitizenEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DispatchSignal>();
        if (builder.Configuration.GetStorageMode() == StorageMode.Postgres)
        {
            builder.Services.AddSingleton<ICitizenEventLog, PostgresCitizenEventLog>();
            builder.Services.AddSingleton<PostgresAppendNotifier>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresAppendNotifier>());
        }
        else
        {
            builder.Services.AddSingleton<ICitizenEventLog, InMemoryCitizenEventLog>();
        }

        builder.Services.AddSingleton(sp => new EventLogGrowth(sp.GetRequiredService<DispatchSignal>(), sp.GetService<PostgresAppendNotifier>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ICitizenEventSink, NotifyingEventSink>();
        return builder;
    }

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/events", ReadEvents)
            .WithTags("Events").RequireAuthorization(Roles.OperatorPolicy)
            .WithName("ReadEventLog")
            .WithSummary("Reads the citizen event log")
            .WithDescription($"Every event the registry produced, in log order, as CloudEvents: up to `limit` ({DefaultPage} by default, at most {MaxPage}) "
                + "after the cursor `after` (omit it to start at the beginning), optionally of one `type`. Pass `next` as `after` to read on; "
                + "a page never holds an event that an earlier one could still be appended behind, so reading on misses nothing.")
            .ProducesProblems(400, 401, 403);

        var schemas = app.MapGroup(EventSchemas.PathPrefix.TrimEnd('/')).WithTags("Events").AllowAnonymous();
        schemas.MapGet("", ListSchemas)
            .WithName("ListEventSchemas")
            .WithSummary("Lists the event types and where their JSON Schemas are")
            .WithDescription("Public documentation: no credentials needed.");
        schemas.MapGet("/{type}", GetSchema)
            .WithName("GetEventSchema")
            .WithSummary("The JSON Schema (draft 2020-12) of one event type, as delivered")
            .WithDescription("Public documentation: no credentials needed. The type includes its version, so a schema never changes once published.")
            .Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status200OK, "application/schema+json")
            .ProducesProblems(404);
        return app;
    }

    private static Ok<IReadOnlyList<EventSchemaLink>> ListSchemas() =>
        TypedResults.Ok<IReadOnlyList<EventSchemaLink>>([.. CitizenEventTypes.All.Select(t => new EventSchemaLink(t, EventSchemas.PathPrefix + t))]);

    private static Results<ContentHttpResult, ProblemHttpResult> GetSchema(string type) =>
        CitizenEventTypes.All.Contains(type, StringComparer.Ordinal)
            ? TypedResults.Content(EventSchemas.For(type).ToJsonString(), "application/schema+json")
            : HubProblems.Of(ProblemTypes.NotFound, "No such event type; GET " + EventSchemas.PathPrefix.TrimEnd('/') + " lists them.");

    private static async Task<Results<Ok<EventPageResponse>, ProblemHttpResult>> ReadEvents(
        string? after, int? limit, string? type, ICitizenEventLog log, HttpContext http)
    {
        var cursor = EventCursor.Start;
        if (after is not null)
        {
            if (!EventCursor.TryParse(after, out var parsed))
            {
                return HubProblems.Validation("after", "A cursor is the `next` value of an earlier page, such as `0.0`.");
            }

            cursor = parsed.Value;
        }

        if (limit is < 1 or > MaxPage)
        {
            return HubProblems.Validation("limit", $"limit is 1 to {MaxPage}.");
        }

        if (type is not null && !CitizenEventTypes.All.Contains(type, StringComparer.Ordinal))
        {
            return HubProblems.Validation("type", "Unknown event type; the types are: " + string.Join(", ", CitizenEventTypes.All) + ".");
        }

        var events = await log.ReadAsync(cursor, limit ?? DefaultPage, type, http.RequestAborted);
        var next = events.Count > 0 ? events[^1].Cursor : cursor;
        return TypedResults.Ok(new EventPageResponse([.. events.Select(e => CloudEventResponse.From(e.Event))], next.ToString()));
    }
}
