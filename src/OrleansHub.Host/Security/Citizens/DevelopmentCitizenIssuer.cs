using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Host.Security.Citizens;

/// <summary>
/// Stands in for the national e-ID issuer in embedded mode: an ECDSA P-256 key made at start (never stored, so tokens
/// die with the process) signs short-lived citizen tokens for local trials and tests.
/// </summary>
public sealed class DevelopmentCitizenIssuer(TimeProvider time) : IDisposable
{
    public const string Issuer = "https://eid.dev.orleanshub.invalid";
    public const string Audience = "orleanshub";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public half, in the form a real issuer's key is configured.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Signs a token for <paramref name="citizen"/>, valid from now for <see cref="Lifetime"/>.</summary>
    public CitizenToken Issue(PersonalId citizen)
    {
        var now = time.GetUtcNow();
        var expires = now + Lifetime;
        var token = Sign(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = citizen.Value },
        });
        return new CitizenToken(token, expires);
    }

    /// <summary>Signs any descriptor with the development key (tests use it to make expired or mis-addressed tokens).</summary>
    internal string Sign(SecurityTokenDescriptor descriptor)
    {
        descriptor.SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key), SecurityAlgorithms.EcdsaSha256);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>A signed citizen token and when it stops being accepted.</summary>
public sealed record CitizenToken(string Token, DateTimeOffset ExpiresAt);
