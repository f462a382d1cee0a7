using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using OrleansHub.Abstractions.Agencies;
using OrleansHub.Grains.Agencies;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// The agency calling the agency API, resolved once per request by the agency scheme from this silo's directory: its
/// policy (agreement, kind, status) and the key it used. Endpoints of the <c>/v1</c> group take it as a parameter; nobody
/// looks the caller up again. One instance exists per cached key check, so a request allocates none.
/// </summary>
public sealed class CallingAgency
{
    private static readonly ConditionalWeakTable<AgencyKeyCheck, CallingAgency> ByCheck = [];

    private CallingAgency(AgencyPolicy policy, string keyId)
    {
        Policy = policy;
        KeyId = keyId;
        Principal = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Role, Roles.Agency),
                new Claim(ClaimTypes.Name, policy.Code),
                new Claim(HubClaims.Agency, policy.Code),
                new Claim(HubClaims.AgencyKeyId, keyId),
            ],
            AgencyAuthenticationHandler.SchemeName));
        // Made once too: a ticket's properties are two dictionaries, and nothing on the agency API changes them.
        Authenticated = AuthenticateResult.Success(new AuthenticationTicket(Principal, AgencyAuthenticationHandler.SchemeName));
    }

    public AgencyPolicy Policy { get; }

    public string Code => Policy.Code;

    /// <summary>The ID of the key the request used (never the key).</summary>
    public string KeyId { get; }

    /// <summary>The authenticated user of the request; shared by every request made with the same key and policy version.</summary>
    internal ClaimsPrincipal Principal { get; }

    /// <summary>The agency scheme's answer for this caller: the same for every request made with the same key and policy version.</summary>
    internal AuthenticateResult Authenticated { get; }

    /// <summary>The caller of a valid key check; one per check the directory caches.</summary>
    internal static CallingAgency Of(AgencyKeyCheck check) =>
        ByCheck.GetValue(check, static c => new CallingAgency(c.Policy!, c.KeyId!));

    /// <summary>The request's calling agency, or null when the request was not authenticated with an agency key.</summary>
    public static CallingAgency? Of(HttpContext http) => http.Features.Get<CallingAgency>();

    /// <summary>Minimal API binding: endpoints of the agency API declare a <see cref="CallingAgency"/> parameter.</summary>
    public static ValueTask<CallingAgency?> BindAsync(HttpContext http) => ValueTask.FromResult(Of(http));
}
