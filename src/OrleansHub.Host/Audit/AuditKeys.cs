using System.Text;
using System.Text.RegularExpressions;

namespace OrleansHub.Host.Audit;

/// <summary>One audit key: its ID (stored with every batch it signed) and its secret (never stored, never logged).</summary>
public sealed class AuditKey(string id, byte[] secret)
{
    public string Id { get; } = id;

    public byte[] Secret { get; } = secret;

    public override string ToString() => $"audit key {Id}";
}

/// <summary>
/// The audit keys from configuration (<c>Hub:Audit:Keys:&lt;id&gt;</c>) and the one new batches are signed with
/// (<c>Hub:Audit:KeyId</c>). Keeping the retired keys lets <c>audit verify</c> check the batches they signed.
/// </summary>
public sealed class AuditKeyRing
{
    private readonly Dictionary<string, AuditKey> _keys;

    public AuditKeyRing(IReadOnlyDictionary<string, string> keys, string? currentKeyId)
    {
        _keys = keys.Where(k => !string.IsNullOrWhiteSpace(k.Value))
            .ToDictionary(k => k.Key, k => new AuditKey(k.Key, Encoding.UTF8.GetBytes(k.Value)), StringComparer.Ordinal);
        Current = string.IsNullOrWhiteSpace(currentKeyId) ? null
            : _keys.GetValueOrDefault(currentKeyId) ?? throw new InvalidOperationException($"Hub:Audit:KeyId names '{currentKeyId}', which Hub:Audit:Keys does not hold.");
    }

    /// <summary>No keys: every batch is unkeyed.</summary>
    public static AuditKeyRing None { get; } = new(new Dictionary<string, string>(), null);

    /// <summary>The key new batches are signed with; null when none is configured (unkeyed batches).</summary>
    public AuditKey? Current { get; }

    public AuditKey? Find(string keyId) => _keys.GetValueOrDefault(keyId);

    public static AuditKeyRing From(AuditOptions options) => new(options.Keys, options.KeyId);
}

/// <summary>What an audit key may be named (the same rule as migration 0020's check on <c>audit_batches.key_id</c>).</summary>
public static partial class AuditKeyIds
{
    public static bool IsValid(string id) => Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Pattern();
}
