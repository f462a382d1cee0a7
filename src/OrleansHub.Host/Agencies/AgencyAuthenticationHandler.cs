using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains.Agencies;
using OrleansHub.Host.Lookups;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Agencies;

/// <summary>
/// Authenticates agencies by their API key (<c>Authorization: Bearer ohk_...</c>) against this silo's
/// <see cref="AgencyDirectory"/>: no grain call on the request path. A suspended agency's key still authenticates, so the
/// endpoint can refuse the request with agency-suspended and audit it. The check is left on the request for endpoints
/// and audit (<see cref="AgencyAuthentication.GetAgencyKeyCheck"/>), also when it failed.
/// The challenge (no key, or a key the directory refused) is where a request to the agency API is turned away before any
/// endpoint runs, so it audits the refusal there, like every other agency refusal, before the 401 is written.
/// </summary>
public sealed class AgencyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AgencyDirectory directory,
    AccessAudit audit,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Agency";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!BearerToken.TryRead(Request, out var presented))
        {
            return AuthenticateResult.NoResult();
        }

        var check = await directory.AuthenticateAsync(presented, Context.RequestAborted);
        Context.Items[typeof(AgencyKeyCheck)] = check;
        if (!check.IsValid)
        {
            return AuthenticateResult.Fail(check.Status == AgencyKeyStatus.Unknown ? "No agency holds this key." : "The agency key is wrong or revoked.");
        }

        var code = check.Policy!.Code;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Role, Roles.Agency),
                new Claim(ClaimTypes.Name, code),
                new Claim(HubClaims.Agency, code),
                new Claim(HubClaims.AgencyKeyId, check.KeyId!),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>
    /// Audits the refusal, then answers 401. When the audit log does not take the entry, the
    /// <see cref="Audit.AuditUnavailableException"/> reaches the exception handler, which answers 503 audit-unavailable instead.
    /// </summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var auditId = await audit.RefusedBeforeEndpointAsync(Context, ProblemTypes.Unauthenticated);
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(ProblemTypes.Unauthenticated, auditId);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => WriteProblemAsync(ProblemTypes.Forbidden, auditId: null);

    private async Task WriteProblemAsync(ProblemType type, Guid? auditId)
    {
        Response.StatusCode = type.Status;
        var context = new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Type = type.Uri, Title = type.Title, Status = type.Status, Detail = type.Description },
        };
        if (auditId is not null)
        {
            context.ProblemDetails.Extensions["auditId"] = auditId;
        }

        await problems.WriteAsync(context);
    }
}

/// <summary>Registers the agency authentication scheme and the <see cref="Roles.AgencyPolicy"/> policy.</summary>
public static class AgencyAuthentication
{
    /// <summary>Adds scheme <c>Agency</c> (not the default: the admin scheme stays the default) and policy <see cref="Roles.AgencyPolicy"/>.</summary>
    public static IServiceCollection AddAgencyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AgencyAuthenticationHandler>(AgencyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.AgencyPolicy, p => p.AddAuthenticationSchemes(AgencyAuthenticationHandler.SchemeName).RequireRole(Roles.Agency));
        return services;
    }

    /// <summary>
    /// The directory's verdict on the request's agency key, once the agency scheme has run: the policy of an authenticated
    /// agency (no second lookup needed), or for a refused key the agency it named, for the audit record. Null when no key was sent.
    /// </summary>
    public static AgencyKeyCheck? GetAgencyKeyCheck(this HttpContext http) =>
        http.Items.TryGetValue(typeof(AgencyKeyCheck), out var check) ? check as AgencyKeyCheck : null;

    /// <summary>
    /// The calling agency's current policy from this silo's directory (a suspension since the request began shows), or null
    /// when the caller is not an agency.
    /// </summary>
    public static async ValueTask<AgencyPolicy?> CallingAgencyAsync(this HttpContext http, AgencyDirectory agencies) =>
        http.User.FindFirst(HubClaims.Agency)?.Value is { } code ? await agencies.FindAsync(code, http.RequestAborted) : null;
}
