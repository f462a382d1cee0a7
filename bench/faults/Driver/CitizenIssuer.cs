using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansHub.Bench.Faults;

/// <summary>
/// Stands in for the national e-ID: signs ES256 citizen tokens with a key whose public half the silos are configured with
/// (<c>Hub:CitizenTokens:PublicKeyPem</c>), so the load can grant and revoke consent as citizens do.
/// </summary>
public sealed class CitizenIssuer(ECDsa key, string issuer, string audience) : IDisposable
{
    public const string DefaultIssuer = "https://eid.faults.example.vn";
    public const string DefaultAudience = "orleanshub-faults";

    public string Issuer => issuer;

    public string Audience => audience;

    public string PublicKeyPem => key.ExportSubjectPublicKeyInfoPem();

    public static CitizenIssuer Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), DefaultIssuer, DefaultAudience);

    /// <summary>A token for <paramref name="citizenId"/>, valid for an hour (longer than any run).</summary>
    public string Sign(string citizenId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "ES256", typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { iss = issuer, aud = audience, sub = citizenId, iat = now, nbf = now, exp = now + 3600 }));
        // JWS ES256 wants the raw r||s signature, which is .NET's default (IEEE P1363) format.
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256);
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    public void Dispose() => key.Dispose();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
