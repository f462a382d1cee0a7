using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Security;

/// <summary>Authenticates the registry operator by a bearer key compared in constant time.</summary>
public sealed class OperatorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<OperatorOptions> operatorOptions,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Operator";

    private readonly byte[] _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(operatorOptions.Value.ApiKey ?? ""));

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!BearerToken.TryRead(Request, out var presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Hashing first makes the comparison constant-time regardless of the presented key's length.
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (!CryptographicOperations.FixedTimeEquals(presentedHash, _expectedHash))
        {
            return Task.FromResult(AuthenticateResult.Fail("The operator key is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.Operator), new Claim(ClaimTypes.Name, "operator")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(ProblemTypes.Unauthenticated);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync(ProblemTypes.Forbidden);
    }

    private async Task WriteProblemAsync(ProblemType type) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Type = type.Uri, Title = type.Title, Status = type.Status, Detail = type.Description },
        });
}
