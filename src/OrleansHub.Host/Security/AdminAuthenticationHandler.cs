using System.Collections.Frozen;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Citizens;
using OrleansHub.Host.Problems;

namespace OrleansHub.Host.Security;

/// <summary>
/// Authenticates the registry operator and data-provider agencies by bearer key. Keys are held only as SHA-256
/// hashes; a presented key is hashed and looked up, so comparison time does not depend on how much of it matched.
/// </summary>
public sealed class AdminAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminCredentials credentials,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Admin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!BearerToken.TryRead(Request, out var presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!credentials.TryFind(presented, out var role, out var source))
        {
            return Task.FromResult(AuthenticateResult.Fail("The key is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, role), new Claim(ClaimTypes.Name, source), new Claim(HubClaims.Source, source)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return WriteProblemAsync(ProblemTypes.Unauthenticated);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => WriteProblemAsync(ProblemTypes.Forbidden);

    private async Task WriteProblemAsync(ProblemType type)
    {
        Response.StatusCode = type.Status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Type = type.Uri, Title = type.Title, Status = type.Status, Detail = type.Description },
        });
    }
}

/// <summary>The configured admin credentials, as hashes.</summary>
public sealed class AdminCredentials
{
    private readonly FrozenDictionary<string, (string Role, string Source)> _byHash;

    public AdminCredentials(IOptions<OperatorOptions> operatorOptions, IOptions<ProviderOptions> providerOptions)
    {
        var entries = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            [Hash(operatorOptions.Value.ApiKey!)] = (Roles.Operator, FieldOwnership.Registry),
        };
        foreach (var (code, credential) in providerOptions.Value.Agencies)
        {
            if (!entries.TryAdd(Hash(credential.ApiKey!), (Roles.Provider, code)))
            {
                throw new InvalidOperationException($"Provider {code} shares its key with another credential.");
            }
        }

        _byHash = entries.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryFind(string presentedKey, out string role, out string source)
    {
        var found = _byHash.TryGetValue(Hash(presentedKey), out var entry);
        (role, source) = entry;
        return found;
    }

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
