using System.Security.Cryptography;
using System.Text;

namespace OrleansHub.Bench.PlainLookup;

/// <summary>
/// The one agency this service serves: its key hash, code, and agreement (the fields and purposes it may ask for).
/// Fixed to match the agency the benchmark registers on the hub, so both sides do the same checks.
/// </summary>
public sealed class PlainLookupOptions
{
    /// <summary>The fields of the benchmark agency's agreement; a request for any other field is refused.</summary>
    public static readonly IReadOnlySet<string> AgreementFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "fullName", "dateOfBirth", "sex", "permanentResidence", "residenceProvince",
    };

    /// <summary>The purposes of the benchmark agency's agreement.</summary>
    public static readonly IReadOnlySet<string> AgreementPurposes = new HashSet<string>(StringComparer.Ordinal) { "kyc" };

    private readonly byte[] _keyHash;

    private PlainLookupOptions(byte[] keyHash, string agency)
    {
        _keyHash = keyHash;
        Agency = agency;
    }

    /// <summary>Agency code written to every audit row.</summary>
    public string Agency { get; }

    /// <summary>Reads <c>Plain:ApiKeySha256</c> (64 hex digits) and <c>Plain:Agency</c>; fails start-up when the hash is missing.</summary>
    public static PlainLookupOptions From(IConfiguration configuration)
    {
        var hex = configuration["Plain:ApiKeySha256"];
        if (string.IsNullOrWhiteSpace(hex) || hex.Length != SHA256.HashSizeInBytes * 2)
        {
            throw new InvalidOperationException("Plain__ApiKeySha256 must hold the 64-hex-digit SHA-256 of the accepted key");
        }

        return new PlainLookupOptions(Convert.FromHexString(hex), configuration["Plain:Agency"] ?? "BENCH");
    }

    /// <summary>True when <paramref name="authorization"/> is <c>Bearer &lt;key&gt;</c> and the key's SHA-256 equals the configured one.</summary>
    public bool Accepts(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length > 512)
        {
            return false;
        }

        // Hash on the stack: a key check per request should not allocate.
        Span<byte> key = stackalloc byte[Encoding.UTF8.GetMaxByteCount(authorization.Length - Scheme.Length)];
        var length = Encoding.UTF8.GetBytes(authorization.AsSpan(Scheme.Length).Trim(), key);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(key[..length], hash);
        return CryptographicOperations.FixedTimeEquals(hash, _keyHash);
    }
}
