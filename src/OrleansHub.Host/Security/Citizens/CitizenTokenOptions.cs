using System.Security.Cryptography;

namespace OrleansHub.Host.Security.Citizens;

/// <summary>
/// The national e-ID issuer whose tokens sign citizens in, bound from <c>Hub:CitizenTokens</c>. Either every member
/// is set or none is: with none, citizen sign-in is off (or, in embedded mode, served by the development issuer).
/// </summary>
public sealed class CitizenTokenOptions
{
    public const string Section = "Hub:CitizenTokens";

    /// <summary>The <c>iss</c> the issuer puts in its tokens.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> the issuer puts in tokens meant for this hub.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer's ES256 (ECDSA P-256) public key, as a PEM <c>PUBLIC KEY</c> block.</summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>Whether any member is set (a partial section is an error, not "off").</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Issuer) || !string.IsNullOrWhiteSpace(Audience) || !string.IsNullOrWhiteSpace(PublicKeyPem);

    /// <summary>Whether the section is complete and the key is a P-256 public key.</summary>
    public bool IsComplete
    {
        get
        {
            using var key = ReadKey(PublicKeyPem);
            return key is not null && !string.IsNullOrWhiteSpace(Issuer) && !string.IsNullOrWhiteSpace(Audience);
        }
    }

    /// <summary>Reads <paramref name="pem"/> as an ECDSA P-256 public key; null when it is not one. The caller owns the key.</summary>
    public static ECDsa? ReadKey(string? pem)
    {
        // Only the public half belongs in configuration; a private key here means the issuer's secret has leaked.
        if (string.IsNullOrWhiteSpace(pem) || pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.ExportParameters(includePrivateParameters: false).Curve.Oid?.Value == ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                return key;
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            // Not PEM, or not an EC key: refused below.
        }

        key.Dispose();
        return null;
    }
}
