using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains;
using OrleansHub.Grains.Agencies;
using OrleansHub.Grains.Fees;
using OrleansHub.Host.AgencyApi;
using OrleansHub.Host.Audit;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Fees;

/// <summary>
/// Fee statements (an agency's own under <c>/v1</c>, any agency's and the finance CSV for the operator) and the
/// operator's fee schedules.
/// </summary>
public static class FeeEndpoints
{
    /// <summary>The highest credit cap accepted (a guard against typing errors).</summary>
    public const long MaxCreditCapVnd = 1_000_000_000_000_000;

    /// <summary>The agency's own statement, on the agency API.</summary>
    public static AgencyApiRoutes MapOwnStatementsApi(this AgencyApiRoutes api)
    {
        api.MapGet("/statements/{month}", OwnStatement)
            .AsAgencyOperation("statement")
            .WithTags("Fees")
            .WithName("GetOwnStatement")
            .WithSummary("Reads the calling agency's fee statement for a month")
            .WithDescription("Usage and charges by product, by day and product, and in total, with exempt counts, for a month of the fee calendar "
                + "(UTC+07:00, e.g. 2026-11); the running month is allowed and marked complete: false. Only the caller's own statement is reachable here; a suspended agency gets 403 agency-suspended. "
                + "The figures are the fee ledger, which is written in the audit log's transactions and reconciles with it to the đồng.")
            .ProducesProblems(400, 401, 403, 429, 503);
        return api;
    }

    public static IEndpointRouteBuilder MapFeesApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Fees").RequireAuthorization(Roles.OperatorPolicy);

        admin.MapGet("/agencies/{code}/statements/{month}", AgencyStatement)
            .WithName("GetAgencyStatement")
            .WithSummary("Reads an agency's fee statement for a month")
            .WithDescription("The same statement the agency reads at /v1/statements/{month}.")
            .ProducesProblems(400, 401, 403, 404);

        admin.MapPut("/agencies/{code}/credit-cap", PutCreditCap)
            .WithName("PutAgencyCreditCap")
            .WithSummary("Sets or removes an agency's monthly credit cap")
            .WithDescription("monthlyCapVnd (0 to 10^15 đồng; null removes the cap). Once the agency's charges this month reach it, its chargeable "
                + "requests are refused with 402 credit-cap-reached (audited, not charged) until the cap is raised or the month ends. Each silo "
                + $"re-reads the cap and the month's charges at most every {CreditCapGuard.Staleness.TotalSeconds:N0} s, so a cluster may overshoot by what "
                + "the agency is charged in that time. State agencies pay no fees and are never capped.")
            .ProducesProblems(400, 401, 403, 404);

        admin.MapGet("/agencies/{code}/credit-cap", GetCreditCap)
            .WithName("GetAgencyCreditCap")
            .WithSummary("Reads an agency's monthly credit cap and what it has been charged this month")
            .ProducesProblems(400, 401, 403, 404);

        admin.MapGet("/fees/statements/{month}/csv", ExportMonth)
            .WithName("ExportFeeStatements")
            .WithSummary("Exports a month's charges of every agency as CSV for the finance system")
            .WithDescription($"Columns: {FeeCsv.Header}. One row per agency and product, one per agency (product ALL), then the grand total "
                + "(agency ALL). The collector's share (Hub:Fees:CollectorSharePercent, default 30) is rounded down to the đồng; the state budget gets the rest.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblems(400, 401, 403);

        admin.MapGet("/fees/schedules", ListSchedules)
            .WithName("ListFeeSchedules")
            .WithSummary("Lists the fee schedules, oldest first")
            .WithDescription("Each schedule prices every product per field from effectiveFrom through effectiveUntil (fee-calendar dates, UTC+07:00; "
                + "null: until the next begins). status is past, in-force or future.");

        admin.MapPost("/fees/schedules", PublishSchedule)
            .WithName("PublishFeeSchedule")
            .WithSummary("Publishes a future fee schedule")
            .WithDescription("It begins tomorrow at the earliest. After an open-ended schedule it ends that one the day before it begins; after a bounded "
                + "one it must begin the day after that one ends. Overlaps, gaps and starts in the past are refused (409 fee-schedule-conflict).")
            .ProducesProblems(400, 401, 403, 409);

        admin.MapPut("/fees/schedules/{version:int}", ReplaceSchedule)
            .WithName("ReplaceFeeSchedule")
            .WithSummary("Replaces the latest schedule while it is not yet in force")
            .WithDescription("A schedule in force (or past) never changes: 409 fee-schedule-in-effect; publish a new one instead.")
            .ProducesProblems(400, 401, 403, 404, 409);

        return app;
    }

    private static async Task<Results<Ok<FeeStatement>, ProblemHttpResult>> OwnStatement(
        string month, CallingAgency agency, HttpContext http, IFeeLedger ledger, [FromKeyedServices(HubClock.Key)] TimeProvider time) =>
        // The route names no agency, so no other agency's statement is reachable.
        await StatementAsync(agency.Code, month, ledger, time, http.RequestAborted);

    private static async Task<Results<Ok<FeeStatement>, ProblemHttpResult>> AgencyStatement(
        string code, string month, IGrainFactory grains, IFeeLedger ledger, [FromKeyedServices(HubClock.Key)] TimeProvider time, HttpContext http)
    {
        if (await FindAgencyAsync(code, grains) is { } refused)
        {
            return refused;
        }

        return await StatementAsync(code, month, ledger, time, http.RequestAborted);
    }

    private static async Task<Results<Ok<CreditCapResponse>, ProblemHttpResult>> PutCreditCap(
        string code, CreditCapRequest request, IGrainFactory grains, ICreditCapStore caps, CreditCapGuard guard, HttpContext http)
    {
        if (await FindAgencyAsync(code, grains) is { } refused)
        {
            return refused;
        }

        if (request.MonthlyCapVnd is < 0 or > MaxCreditCapVnd)
        {
            return HubProblems.Validation("monthlyCapVnd", $"Must be a whole number of đồng from 0 to {MaxCreditCapVnd:N0}, or null for no cap.");
        }

        await caps.SetAsync(code, request.MonthlyCapVnd, http.RequestAborted);
        guard.Forget(code);
        var (cap, spent) = await guard.ReadAsync(code, http.RequestAborted);
        return TypedResults.Ok(new CreditCapResponse(code, cap, spent));
    }

    private static async Task<Results<Ok<CreditCapResponse>, ProblemHttpResult>> GetCreditCap(
        string code, IGrainFactory grains, CreditCapGuard guard, HttpContext http)
    {
        if (await FindAgencyAsync(code, grains) is { } refused)
        {
            return refused;
        }

        guard.Forget(code);
        var (cap, spent) = await guard.ReadAsync(code, http.RequestAborted);
        return TypedResults.Ok(new CreditCapResponse(code, cap, spent));
    }

    private static async Task<ProblemHttpResult?> FindAgencyAsync(string code, IGrainFactory grains)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", "An agency code is 2 to 16 upper-case letters or digits, e.g. VCB.");
        }

        return await grains.GetGrain<IAgencyGrain>(code).GetAsync() is null
            ? HubProblems.Of(ProblemTypes.NotFound, "No agency is registered under this code.")
            : null;
    }

    private static async Task<Results<Ok<FeeStatement>, ProblemHttpResult>> StatementAsync(
        string code, string monthText, IFeeLedger ledger, TimeProvider time, CancellationToken cancellationToken)
    {
        var today = VietnamCalendar.DateOf(time.GetUtcNow());
        if (StatementMonth.Parse(monthText, today) is not { } month)
        {
            return HubProblems.Validation("month", StatementMonth.Rule);
        }

        var lines = await ledger.ReadMonthAsync(month, code, cancellationToken);
        return TypedResults.Ok(FeeStatement.From(code, month, today, lines));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ExportMonth(
        string month, IFeeLedger ledger, IOptions<FeeOptions> options, [FromKeyedServices(HubClock.Key)] TimeProvider time, HttpContext http)
    {
        if (StatementMonth.Parse(month, VietnamCalendar.DateOf(time.GetUtcNow())) is not { } first)
        {
            return HubProblems.Validation("month", StatementMonth.Rule);
        }

        var lines = await ledger.ReadMonthAsync(first, agencyCode: null, http.RequestAborted);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"fees-{month}.csv\"";
        return TypedResults.Text(FeeCsv.Write(first, lines, options.Value.CollectorSharePercent), "text/csv; charset=utf-8");
    }

    private static Ok<IReadOnlyList<FeeScheduleResponse>> ListSchedules(FeeScheduleBook book, [FromKeyedServices(HubClock.Key)] TimeProvider time)
    {
        var today = VietnamCalendar.DateOf(time.GetUtcNow());
        return TypedResults.Ok<IReadOnlyList<FeeScheduleResponse>>([.. book.Current.OrderBy(s => s.EffectiveFrom).Select(s => FeeScheduleResponse.From(s, today))]);
    }

    private static async Task<Results<Created<FeeScheduleResponse>, ProblemHttpResult>> PublishSchedule(
        FeeScheduleRequest request, FeeScheduleBook book, [FromKeyedServices(HubClock.Key)] TimeProvider time, HttpContext http)
    {
        if (Draft(request, out var errors) is not { } draft)
        {
            return HubProblems.Validation(errors);
        }

        var today = VietnamCalendar.DateOf(time.GetUtcNow());
        var result = await book.ChangeAsync(schedules => FeeScheduleRules.Publish(schedules, draft, today), http.RequestAborted);
        return result.Published is { } published
            ? TypedResults.Created($"/admin/fees/schedules/{published.Version}", FeeScheduleResponse.From(published, today))
            : Refused(result);
    }

    private static async Task<Results<Ok<FeeScheduleResponse>, ProblemHttpResult>> ReplaceSchedule(
        int version, FeeScheduleRequest request, FeeScheduleBook book, [FromKeyedServices(HubClock.Key)] TimeProvider time, HttpContext http)
    {
        if (Draft(request, out var errors) is not { } draft)
        {
            return HubProblems.Validation(errors);
        }

        var today = VietnamCalendar.DateOf(time.GetUtcNow());
        var result = await book.ChangeAsync(schedules => FeeScheduleRules.Replace(schedules, version, draft, today), http.RequestAborted);
        return result.Published is { } replaced ? TypedResults.Ok(FeeScheduleResponse.From(replaced, today)) : Refused(result);
    }

    private static FeeScheduleDraft? Draft(FeeScheduleRequest request, out List<FieldError> errors)
    {
        errors = [];
        if (request.EffectiveFrom is null)
        {
            errors.Add(new("effectiveFrom", "Give the first day the schedule prices (yyyy-MM-dd, fee calendar UTC+07:00)."));
        }

        var draft = new FeeScheduleDraft(request.EffectiveFrom.GetValueOrDefault(), request.EffectiveUntil, request.PricePerFieldVnd!);
        errors.AddRange(FeeScheduleRules.Validate(draft));
        return errors.Count == 0 ? draft : null;
    }

    private static ProblemHttpResult Refused(SchedulePublication result) => result.Refusal switch
    {
        ScheduleRefusal.UnknownVersion => HubProblems.Of(ProblemTypes.NotFound, result.Detail),
        ScheduleRefusal.AlreadyInEffect or ScheduleRefusal.NotTheLatest => HubProblems.Of(ProblemTypes.FeeScheduleInEffect, result.Detail),
        _ => HubProblems.Of(ProblemTypes.FeeScheduleConflict, result.Detail, new Dictionary<string, object?> { ["rule"] = RuleName(result.Refusal) }),
    };

    private static string RuleName(ScheduleRefusal refusal) => refusal switch
    {
        ScheduleRefusal.StartsTooSoon => "starts-too-soon",
        ScheduleRefusal.Overlaps => "overlaps",
        ScheduleRefusal.LeavesGap => "leaves-gap",
        _ => "other",
    };
}

/// <summary>A schedule to publish: its first day, its last (optional) and the price per field of every product in đồng.</summary>
public sealed record FeeScheduleRequest(DateOnly? EffectiveFrom = null, DateOnly? EffectiveUntil = null, IReadOnlyDictionary<string, long>? PricePerFieldVnd = null);

/// <summary>A schedule as the operator sees it; <c>status</c> is past, in-force or future (fee-calendar today).</summary>
public sealed record FeeScheduleResponse(int Version, DateOnly EffectiveFrom, DateOnly? EffectiveUntil, IReadOnlyDictionary<string, long> PricePerFieldVnd, string Status)
{
    public static FeeScheduleResponse From(FeeSchedule schedule, DateOnly today) => new(
        schedule.Version, schedule.EffectiveFrom, schedule.EffectiveUntil, schedule.PricePerFieldVnd,
        schedule.Covers(today) ? "in-force" : schedule.EffectiveFrom > today ? "future" : "past");
}

/// <summary>The monthly credit cap to set, in đồng; null removes it.</summary>
public sealed record CreditCapRequest(long? MonthlyCapVnd = null);

/// <summary>An agency's monthly credit cap (null: none) and what it has been charged this month (fee calendar).</summary>
public sealed record CreditCapResponse(string AgencyCode, long? MonthlyCapVnd, long ChargedThisMonthVnd);
