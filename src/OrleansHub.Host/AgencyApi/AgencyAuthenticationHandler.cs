using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Agencies;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// Authenticates agencies by their API key (<c>Authorization: Bearer ohk_...</c>) against this silo's
/// <see cref="AgencyDirectory"/>: no grain call on the request path, and an unknown agency code never reaches a grain.
/// A valid key resolves the request's <see cref="CallingAgency"/> once, for every later step; a suspended agency's key still
/// authenticates, so the pipeline can refuse it with <c>agency-suspended</c> and audit that.
/// The challenge (no key, or a key the directory refused) is where a request to the agency API is turned away before
/// anyone is accountable for it: it is counted (<see cref="UnauthenticatedRefusals"/>), not written to the audit log, and
/// an address past its budget of failed authentications is answered 429 instead of 401.
/// </summary>
public sealed class AgencyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AgencyDirectory directory,
    UnauthenticatedRefusals refusals,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Agency";

    /// <summary>Seconds a client over its failed-authentication budget is told to wait.</summary>
    private const int FailureRetryAfterSeconds = 60;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!BearerToken.TryRead(Request, out var presented))
        {
            return AuthenticateResult.NoResult();
        }

        var check = await directory.AuthenticateAsync(presented, Context.RequestAborted);
        if (!check.IsValid)
        {
            Context.Features.Set(check);
            return AuthenticateResult.Fail(check.Status == AgencyKeyStatus.Unknown ? "No agency holds this key." : "The agency key is wrong or revoked.");
        }

        var caller = CallingAgency.Of(check);
        Context.Features.Set(caller);
        return caller.Authenticated;
    }

    /// <summary>Counts the refusal and answers 401, or 429 once the source address is past its budget of failures.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var agencyCode = Context.Features.Get<AgencyKeyCheck>()?.Policy?.Code;
        if (!refusals.TrySpendFailure(Context))
        {
            refusals.Count(agencyCode, ProblemTypes.RateLimited.Slug);
            Response.Headers.RetryAfter = FailureRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await WriteProblemAsync(ProblemTypes.RateLimited,
                $"Too many requests from this address failed to authenticate. Retry in {FailureRetryAfterSeconds} s with a valid key.");
            return;
        }

        refusals.Count(agencyCode, ProblemTypes.Unauthenticated.Slug);
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(ProblemTypes.Unauthenticated, ProblemTypes.Unauthenticated.Description);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => WriteProblemAsync(ProblemTypes.Forbidden, ProblemTypes.Forbidden.Description);

    private async Task WriteProblemAsync(ProblemType type, string detail)
    {
        Response.StatusCode = type.Status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Type = type.Uri, Title = type.Title, Status = type.Status, Detail = detail },
        });
    }
}
