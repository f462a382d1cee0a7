using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Abstractions.Quotas;
using OrleansHub.Grains.Agencies;
using OrleansHub.Grains.Quotas;
using OrleansHub.Host.Citizens;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Quotas;

/// <summary>The operator's API for agency quotas (versioned like the agreement; the version is the ETag), and the quota services.</summary>
public static class QuotaAdminEndpoints
{
    private const string BadCode = "An agency code is 2 to 16 upper-case letters or digits, e.g. VCB.";
    private const string NoAgency = "No agency is registered under this code.";

    public static WebApplicationBuilder AddQuotas(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<QuotaOptions>()
            .BindConfiguration(QuotaOptions.Section)
            .Validate(o => o.RefreshInterval >= TimeSpan.FromMilliseconds(100) && o.RefreshInterval <= TimeSpan.FromSeconds(10),
                "Hub:Quotas:RefreshInterval must be between 00:00:00.1 and 00:00:10.")
            .ValidateOnStart();
        builder.Services.AddOptions<DefaultQuotaOptions>()
            .BindConfiguration(DefaultQuotaOptions.Section)
            .Validate(o => o.Quota is null || QuotaRules.Validate(o.Quota).Count == 0,
                "Hub:Quotas:Default breaks the quota rules (ratePerSecond and burst together, burst 100 to 10,000,000, daily and monthly in range).")
            .ValidateOnStart();
        builder.Services.AddSingleton<QuotaLimiter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QuotaLimiter>());
        return builder;
    }

    public static IEndpointRouteBuilder MapQuotasAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/agencies/{code}/quota").WithTags("Agencies").RequireAuthorization(Roles.OperatorPolicy);

        group.MapPut("/", PutQuota)
            .WithName("PutAgencyQuota")
            .ReadsHeaders(ApiHeaders.IfMatch).WritesHeaders(ApiHeaders.ETag)
            .WithSummary("Sets an agency's rate limit and quotas")
            .WithDescription("ratePerSecond with burst, dailyRequests, monthlyRequests: each optional, at least one. A batch of N IDs costs N. "
                + "Enforced across all silos together; a change holds on every silo within about a second. A changed quota is a new version "
                + "(the ETag); If-Match: \"<version>\" applies it only at that version (412 otherwise).")
            .WithRequestExample(new QuotaRequest { RatePerSecond = 200, Burst = 400, DailyRequests = 1_000_000, MonthlyRequests = 20_000_000 })
            .ProducesProblems(400, 401, 403, 404, 412);

        group.MapGet("/", GetQuota)
            .WithName("GetAgencyQuota")
            .WritesHeaders(ApiHeaders.ETag)
            .WithSummary("Reads an agency's quota and its usage today and this month")
            .WithDescription("The quota in force: source contract (set for this agency) or default (Hub:Quotas:Default). limited: false only when "
                + "neither applies. The version is the ETag.")
            .ProducesProblems(400, 401, 403, 404);

        group.MapDelete("/", DeleteQuota)
            .WithName("DeleteAgencyQuota")
            .ReadsHeaders(ApiHeaders.IfMatch).WritesHeaders(ApiHeaders.ETag)
            .WithSummary("Removes an agency's own quota: the default quota applies again")
            .WithDescription("A new version like any change; the usage counters are kept. If-Match works as for PUT.")
            .ProducesProblems(400, 401, 403, 404, 412);

        group.MapGet("/history", GetHistory)
            .WithName("GetAgencyQuotaHistory")
            .WithSummary("Reads every change to an agency's quota, newest first")
            .ProducesProblems(400, 401, 403, 404);

        return app;
    }

    private static Task<Results<Ok<QuotaResponse>, ProblemHttpResult>> PutQuota(
        string code, QuotaRequest body, IGrainFactory grains, QuotaLimiter limiter, HttpContext http) =>
        SetAsync(code, body.ToQuota(), grains, limiter, http);

    private static Task<Results<Ok<QuotaResponse>, ProblemHttpResult>> DeleteQuota(
        string code, IGrainFactory grains, QuotaLimiter limiter, HttpContext http) =>
        SetAsync(code, quota: null, grains, limiter, http);

    private static async Task<Results<Ok<QuotaResponse>, ProblemHttpResult>> SetAsync(
        string code, AgencyQuota? quota, IGrainFactory grains, QuotaLimiter limiter, HttpContext http)
    {
        if (await CheckAgencyAsync(code, grains) is { } refusal)
        {
            return refusal;
        }

        if (!EntityTag.TryReadIfMatch(http.Request, out var expectedVersion))
        {
            return HubProblems.Of(ProblemTypes.MalformedRequest, "If-Match must be one strong entity tag holding a quota version, e.g. \"3\".");
        }

        var grain = grains.GetGrain<IAgencyQuotaGrain>(code);
        var result = await grain.SetAsync(quota, expectedVersion, http.WriterSource());
        switch (result.Failure)
        {
            case QuotaFailure.Invalid:
                return HubProblems.Validation(result.Errors);
            case QuotaFailure.VersionMismatch:
                return HubProblems.Of(ProblemTypes.VersionMismatch, extensions: new Dictionary<string, object?> { ["currentVersion"] = result.Settings.Version });
        }

        // This silo applies the change before the operator hears of it; the others within a refresh interval.
        await limiter.RefreshAsync(code);
        http.Response.Headers.ETag = EntityTag.For(result.Settings.Version);
        return TypedResults.Ok(QuotaResponse.From(code, result.Settings, await grain.GetUsageAsync()));
    }

    private static async Task<Results<Ok<QuotaResponse>, ProblemHttpResult>> GetQuota(string code, IGrainFactory grains, HttpContext http)
    {
        if (await CheckAgencyAsync(code, grains) is { } refusal)
        {
            return refusal;
        }

        var grain = grains.GetGrain<IAgencyQuotaGrain>(code);
        var settings = await grain.GetAsync();
        http.Response.Headers.ETag = EntityTag.For(settings.Version);
        return TypedResults.Ok(QuotaResponse.From(code, settings, await grain.GetUsageAsync()));
    }

    private static async Task<Results<Ok<QuotaHistoryResponse>, ProblemHttpResult>> GetHistory(string code, IGrainFactory grains)
    {
        if (await CheckAgencyAsync(code, grains) is { } refusal)
        {
            return refusal;
        }

        var history = await grains.GetGrain<IAgencyQuotaGrain>(code).GetHistoryAsync();
        return TypedResults.Ok(new QuotaHistoryResponse([.. history.Select(QuotaChangeResponse.From)]));
    }

    private static async Task<ProblemHttpResult?> CheckAgencyAsync(string code, IGrainFactory grains)
    {
        if (!AgencyRules.IsCode(code))
        {
            return HubProblems.Validation("code", BadCode);
        }

        return await grains.GetGrain<IAgencyGrain>(code).GetAsync() is null ? HubProblems.Of(ProblemTypes.NotFound, NoAgency) : null;
    }
}
