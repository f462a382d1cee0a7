using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Grains;
using OrleansHub.Grains.Agencies;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;
using OrleansHub.Host.Security.Citizens;

namespace OrleansHub.Host.Transparency;

/// <summary>
/// Who read a citizen's data: the citizen's own access log and the disputes they raise on it, which the operator and
/// the agency concerned (only its own) can list.
/// </summary>
public static class TransparencyEndpoints
{
    public const int MaxPage = 50;
    public const int MaxCommentLength = 1000;

    public static IEndpointRouteBuilder MapTransparencyApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/me/access-log").WithTags("Citizens").RequireAuthorization(Roles.CitizenPolicy);
        me.MapGet("/", GetAccessLog)
            .WithName("GetMyAccessLog")
            .WithSummary("Lists who asked for the signed-in citizen's data")
            .WithDescription($"Newest first, up to {MaxPage} per page: which agency, when, which fields, for what purpose, and whether it was answered. "
                + "Pass `next` from one page as `before` to get the next.")
            .ProducesProblems(400, 401, 503);
        me.MapPost("/{entryId:guid}/disputes", Dispute)
            .WithName("DisputeAccess")
            .WithSummary("Flags an access-log entry as not me / not consented")
            .WithDescription("Records a dispute the operator and the agency concerned can list. Raising the same kind twice returns the first.")
            .ProducesProblems(400, 401, 404, 413, 415, 503);

        app.MapGet("/admin/agencies/{code}/disputes", ListForOperator)
            .WithTags("Agencies").RequireAuthorization(Roles.OperatorPolicy)
            .WithName("ListAgencyDisputes").WithSummary("Lists the disputes citizens raised against one agency's accesses");
        return app;
    }

    /// <summary>The agency's own disputes, on the agency API.</summary>
    public static AgencyApiRoutes MapOwnDisputesApi(this AgencyApiRoutes api)
    {
        api.MapGet("/disputes", ListForAgency)
            .AsAgencyOperation("disputes")
            .WithTags("Lookups")
            .WithName("ListMyDisputes").WithSummary("Lists the disputes citizens raised against the calling agency's accesses")
            .ProducesProblems(400, 401, 403, 429, 503);
        return api;
    }

    private static async Task<Results<Ok<AccessLogPage>, ProblemHttpResult>> GetAccessLog(
        HttpContext http, IAuditReader reader, AgencyDirectory agencies, string? before = null, int limit = 20)
    {
        if (limit is < 1 or > MaxPage)
        {
            return HubProblems.Validation("limit", $"Must be from 1 to {MaxPage}.");
        }

        if (!TryReadCursor(before, out var cursor))
        {
            return HubProblems.Validation("before", "Must be a `next` value from an earlier page.");
        }

        var page = await reader.ReadByCitizenAsync(http.CitizenId(), cursor, limit, http.RequestAborted);
        var entries = new List<AccessLogEntry>(page.Entries.Count);
        foreach (var entry in page.Entries)
        {
            var agency = entry.AgencyCode is { } code ? await agencies.FindAsync(code, http.RequestAborted) : null;
            entries.Add(new(entry.Id, entry.At, entry.AgencyCode, agency?.Definition.Name, entry.Operation, entry.Purpose, entry.Fields,
                entry.Outcome == AuditOutcome.Allowed ? "answered" : "refused", entry.Reason));
        }

        return TypedResults.Ok(new AccessLogPage(entries, page.Next is { } next ? WriteCursor(next) : null));
    }

    private static async Task<Results<Created<DisputeResponse>, ProblemHttpResult>> Dispute(
        Guid entryId, DisputeRequest request, HttpContext http, IAuditReader reader, IDisputeStore disputes,
        [FromKeyedServices(HubClock.Key)] TimeProvider time)
    {
        if (request.Comment is { Length: > MaxCommentLength } || request.Comment?.Any(char.IsControl) == true)
        {
            return HubProblems.Validation("comment", $"At most {MaxCommentLength} characters, without control characters.");
        }

        var citizenId = http.CitizenId();
        var entry = await reader.FindAsync(entryId, http.RequestAborted);
        // Another citizen's entry is answered exactly like a missing one.
        if (entry is null || entry.CitizenId != citizenId || entry.AgencyCode is null)
        {
            return HubProblems.Of(ProblemTypes.NotFound, "Your access log has no entry with this ID.");
        }

        var dispute = await disputes.RecordAsync(
            new Audit.Dispute(Guid.CreateVersion7(time.GetUtcNow()), entryId, citizenId, entry.AgencyCode, request.Kind, request.Comment, time.GetUtcNow()),
            http.RequestAborted);
        return TypedResults.Created($"/me/access-log/{entryId}/disputes/{dispute.Id}", DisputeResponse.From(dispute));
    }

    private static async Task<Results<Ok<DisputeList>, ProblemHttpResult>> ListForOperator(
        string code, IDisputeStore disputes, HttpContext http, DateTimeOffset? before = null, int limit = 20) =>
        AgencyRules.IsCode(code)
            ? await ListAsync(code, disputes, before, limit, http.RequestAborted)
            : HubProblems.Validation("code", "An agency code is 2 to 16 upper-case letters or digits, e.g. VCB.");

    private static async Task<Results<Ok<DisputeList>, ProblemHttpResult>> ListForAgency(
        IDisputeStore disputes, CallingAgency agency, HttpContext http, DateTimeOffset? before = null, int limit = 20) =>
        await ListAsync(agency.Code, disputes, before, limit, http.RequestAborted);

    private static async Task<Results<Ok<DisputeList>, ProblemHttpResult>> ListAsync(
        string agencyCode, IDisputeStore disputes, DateTimeOffset? before, int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPage)
        {
            return HubProblems.Validation("limit", $"Must be from 1 to {MaxPage}.");
        }

        var page = await disputes.ListByAgencyAsync(agencyCode, before, limit, cancellationToken);
        return TypedResults.Ok(new DisputeList([.. page.Select(DisputeResponse.From)], page.Count == limit ? page[^1].At : null));
    }

    private static string WriteCursor(AuditCursor cursor) =>
        string.Create(CultureInfo.InvariantCulture, $"{cursor.At.UtcTicks}-{cursor.Id:N}");

    private static bool TryReadCursor(string? text, out AuditCursor? cursor)
    {
        cursor = null;
        if (text is null)
        {
            return true;
        }

        var parts = text.Split('-');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || !Guid.TryParseExact(parts[1], "N", out var id))
        {
            return false;
        }

        cursor = new AuditCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}

/// <summary>A page of the citizen's access log; pass <c>next</c> as <c>before</c> for older entries.</summary>
public sealed record AccessLogPage(IReadOnlyList<AccessLogEntry> Entries, string? Next);

/// <summary>One decision about the citizen's data: <c>outcome</c> is <c>answered</c> or <c>refused</c> (with the reason's problem slug).</summary>
public sealed record AccessLogEntry(
    Guid Id, DateTimeOffset At, string? AgencyCode, string? AgencyName, string Operation, string? Purpose, IReadOnlyList<string> Fields, string Outcome, string? Reason);

/// <summary><c>kind</c>: <c>notMe</c> or <c>notConsented</c>; an optional comment for the operator.</summary>
public sealed record DisputeRequest(DisputeKind Kind, string? Comment = null);

public sealed record DisputeResponse(Guid Id, Guid AuditEntryId, string AgencyCode, DisputeKind Kind, string? Comment, DateTimeOffset At)
{
    public static DisputeResponse From(Audit.Dispute d) => new(d.Id, d.AuditEntryId, d.AgencyCode, d.Kind, d.Comment, d.At);
}

/// <summary>Disputes newest first; pass <c>nextBefore</c> as <c>before</c> for older ones.</summary>
public sealed record DisputeList(IReadOnlyList<DisputeResponse> Disputes, DateTimeOffset? NextBefore);
