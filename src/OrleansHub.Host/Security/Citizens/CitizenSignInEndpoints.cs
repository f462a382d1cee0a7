using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Security.Citizens;

/// <summary>The operator's request for a development citizen token.</summary>
public sealed record DevelopmentTokenRequest
{
    /// <summary>The 12-digit personal ID number the token signs in as.</summary>
    public required string CitizenId { get; init; }
}

/// <summary>
/// Says at start which e-ID issuer signs citizens in, and in embedded mode serves <c>POST /dev/citizen-tokens</c> so
/// the README's citizen calls work without a real e-ID app.
/// </summary>
public static partial class CitizenSignInEndpoints
{
    public static WebApplication MapCitizenSignIn(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansHub.Startup");
        var tokens = app.Services.GetRequiredService<IOptions<CitizenTokenOptions>>().Value;
        if (app.Services.GetService<DevelopmentCitizenIssuer>() is not null)
        {
            LogDevelopmentIssuer(logger);
            app.MapPost("/dev/citizen-tokens", IssueDevelopmentToken)
                .RequireAuthorization(Roles.OperatorPolicy)
                .WithTags("Development")
                .WithName("IssueDevelopmentCitizenToken")
                .WithSummary("Signs a citizen token with the development e-ID issuer (embedded mode only)")
                .WithDescription($"Stands in for the national e-ID app in local trials: returns a token for the given ID number, valid for {DevelopmentCitizenIssuer.Lifetime.TotalMinutes:0} minutes, "
                    + "to send as `Authorization: Bearer <token>` to the /me endpoints. Needs the operator key. Not served when the hub runs on PostgreSQL.");
        }
        else if (tokens.IsConfigured)
        {
            LogIssuer(logger, tokens.Issuer!);
        }
        else
        {
            LogSignInOff(logger, CitizenTokenOptions.Section);
        }

        return app;
    }

    private static Results<Ok<CitizenToken>, ProblemHttpResult> IssueDevelopmentToken(DevelopmentTokenRequest body, DevelopmentCitizenIssuer issuer) =>
        PersonalId.TryParse(body.CitizenId, out var citizen, out var error)
            ? TypedResults.Ok(issuer.Issue(citizen.Value))
            : HubProblems.Validation("citizenId", error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Citizens sign in with tokens from the DEVELOPMENT e-ID issuer (key made at start, POST /dev/citizen-tokens). Configure Hub__CitizenTokens for a real issuer.")]
    private static partial void LogDevelopmentIssuer(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Citizens sign in with tokens from the e-ID issuer {Issuer}")]
    private static partial void LogIssuer(ILogger logger, string issuer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Citizen sign-in is OFF: {Section} is not configured, so every citizen endpoint answers 401.")]
    private static partial void LogSignInOff(ILogger logger, string section);
}
