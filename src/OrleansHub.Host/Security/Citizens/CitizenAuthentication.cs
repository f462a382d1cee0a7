using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Security.Citizens;

/// <summary>
/// Signs citizens in with a JWT from the e-ID issuer (scheme <c>Citizen</c>): ES256 signature by the configured key,
/// issuer, audience and lifetime checked, and <c>sub</c> a well-formed personal ID number. The resulting caller carries
/// only the citizen role and their ID number; nothing else in the token is trusted.
/// </summary>
public static class CitizenAuthentication
{
    public const string SchemeName = "Citizen";

    /// <summary>Tolerated difference between the issuer's clock and the hub's.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Registers the Citizen scheme and <see cref="Roles.CitizenPolicy"/>. In embedded mode with no issuer configured, a
    /// development issuer with a key made at start signs tokens (see <see cref="DevelopmentCitizenIssuer"/>).
    /// </summary>
    public static WebApplicationBuilder AddCitizenAuthentication(this WebApplicationBuilder builder, bool embedded)
    {
        var configured = builder.Configuration.GetSection(CitizenTokenOptions.Section).Get<CitizenTokenOptions>()?.IsConfigured == true;
        var options = builder.Services.AddOptions<CitizenTokenOptions>().BindConfiguration(CitizenTokenOptions.Section);
        if (embedded && !configured)
        {
            builder.Services.AddSingleton<DevelopmentCitizenIssuer>();
            options.PostConfigure<DevelopmentCitizenIssuer>((o, issuer) =>
            {
                o.Issuer = DevelopmentCitizenIssuer.Issuer;
                o.Audience = DevelopmentCitizenIssuer.Audience;
                o.PublicKeyPem = issuer.PublicKeyPem;
            });
        }

        options
            .Validate(o => !o.IsConfigured || o.IsComplete,
                $"{CitizenTokenOptions.Section} needs Issuer, Audience and PublicKeyPem (the e-ID issuer's ECDSA P-256 public key as a PEM PUBLIC KEY block), or none of them to turn citizen sign-in off.")
            .ValidateOnStart();

        builder.Services.AddAuthentication().AddJwtBearer(SchemeName, _ => { });
        builder.Services.AddOptions<JwtBearerOptions>(SchemeName).Configure<IOptions<CitizenTokenOptions>>((jwt, tokens) => Configure(jwt, tokens.Value));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.CitizenPolicy, p => p.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser().RequireRole(Roles.Citizen));
        return builder;
    }

    /// <summary>The citizen ID number of a caller signed in with the Citizen scheme.</summary>
    public static string CitizenId(this HttpContext http) =>
        http.User.FindFirst(HubClaims.CitizenId)?.Value ?? throw new InvalidOperationException("The caller is not a signed-in citizen.");

    private static void Configure(JwtBearerOptions jwt, CitizenTokenOptions tokens)
    {
        // Claim names stay as the issuer wrote them ("sub", not a WS-Federation URI).
        jwt.MapInboundClaims = false;
        var key = CitizenTokenOptions.ReadKey(tokens.PublicKeyPem);
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = tokens.Issuer,
            ValidAudience = tokens.Audience,
            IssuerSigningKey = key is null ? null : new ECDsaSecurityKey(key),
            // Only ES256: a token claiming "none" or an HMAC algorithm (keyed with the public key) is refused outright.
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
        };
        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (key is null)
                {
                    context.Fail("Citizen sign-in is not configured on this hub.");
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                if (!PersonalId.TryParse(context.Principal?.FindFirst("sub")?.Value, out var citizen, out _))
                {
                    context.Fail("The token's subject is not a personal ID number.");
                    return Task.CompletedTask;
                }

                // A fresh identity: roles or other claims the token may carry grant nothing here.
                context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(ClaimTypes.Role, Roles.Citizen), new Claim(HubClaims.CitizenId, citizen.Value.Value)],
                    SchemeName, HubClaims.CitizenId, ClaimTypes.Role));
                return Task.CompletedTask;
            },
            OnChallenge = context =>
            {
                // Answer like the admin scheme does (problem+json), not with the handler's empty 401.
                context.HandleResponse();
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return WriteProblemAsync(context.HttpContext, ProblemTypes.Unauthenticated,
                    "Send `Authorization: Bearer <token>` with a current e-ID token issued to you for this hub.");
            },
            OnForbidden = context => WriteProblemAsync(context.HttpContext, ProblemTypes.Forbidden, null),
        };
    }

    private static async Task WriteProblemAsync(HttpContext http, ProblemType type, string? detail)
    {
        http.Response.StatusCode = type.Status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Type = type.Uri, Title = type.Title, Status = type.Status, Detail = detail ?? type.Description },
        });
    }
}
