using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansHub.Grains.Agencies;

/// <summary>
/// The agency key format, <c>ohk_{CODE}_{keyId}_{secret}</c>: the agency code lets any silo find the agency without a
/// global index, the key ID names the key in lists, logs and audit without revealing it, and the secret is 256 random bits
/// (base64url). Only the SHA-256 hash of the whole key is stored. A fast hash is right here, unlike for passwords: with
/// 256 bits of entropy there is nothing to guess, so slowing each check down would protect nothing and cost every request.
/// </summary>
public static partial class AgencyKeys
{
    public const string Prefix = "ohk_";
    public const int HashLength = 32;
    private const int SecretBytes = 32;
    private const int KeyIdLength = 8;
    private const int MaxKeyLength = 4 + 16 + 1 + 16 + 1 + 128;
    private const string KeyIdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>Whether <paramref name="keyId"/> is a well-formed key ID: 3 to 16 lower-case letters or digits.</summary>
    public static bool IsKeyId(string? keyId) => keyId is not null && KeyId().IsMatch(keyId);

    /// <summary>A new random key ID (40 bits, base32).</summary>
    public static string NewKeyId() => RandomNumberGenerator.GetString(KeyIdAlphabet, KeyIdLength);

    /// <summary>The full key for <paramref name="code"/> and <paramref name="keyId"/> with a new 256-bit random secret.</summary>
    public static string NewKey(string code, string keyId) => Format(code, keyId, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)));

    public static string Format(string code, string keyId, string secret) => $"{Prefix}{code}_{keyId}_{secret}";

    /// <summary>The SHA-256 hash of a whole key, as stored.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// Splits a presented key into its agency code and key ID (spans of <paramref name="key"/>, no allocation) when it has the
    /// key format; says nothing about whether the key is valid.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> key, out ReadOnlySpan<char> code, out ReadOnlySpan<char> keyId)
    {
        code = keyId = default;
        if (key.Length > MaxKeyLength || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key[Prefix.Length..];
        var codeEnd = rest.IndexOf('_');
        if (codeEnd < 0)
        {
            return false;
        }

        var afterCode = rest[(codeEnd + 1)..];
        var keyIdEnd = afterCode.IndexOf('_');
        if (keyIdEnd < 0)
        {
            return false;
        }

        code = rest[..codeEnd];
        keyId = afterCode[..keyIdEnd];
        var secret = afterCode[(keyIdEnd + 1)..];
        return CodeSpan().IsMatch(code) && KeyId().IsMatch(keyId) && secret.Length >= 16 && !secret.ContainsAnyExcept(_secretCharacters);
    }

    /// <summary>Whether <paramref name="presentedKey"/> hashes to <paramref name="storedHash"/>, in time that does not depend on where they differ.</summary>
    public static bool Matches(ReadOnlySpan<char> presentedKey, ReadOnlySpan<byte> storedHash)
    {
        Span<byte> utf8 = stackalloc byte[MaxKeyLength];
        Span<byte> hash = stackalloc byte[HashLength];
        var length = Encoding.UTF8.GetBytes(presentedKey, utf8);
        SHA256.HashData(utf8[..length], hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }

    private static readonly SearchValues<char> _secretCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    [GeneratedRegex("^[a-z0-9]{3,16}\\z")]
    private static partial Regex KeyId();

    [GeneratedRegex("^[A-Z0-9]{2,16}\\z")]
    private static partial Regex CodeSpan();
}
