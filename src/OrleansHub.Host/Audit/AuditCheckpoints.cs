using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansHub.Host.Audit;

/// <summary>Where one chain stood when a checkpoint was taken: its first batch's hash and its head.</summary>
public sealed record AuditChainCheckpoint(Guid Chain, string Start, long Sequence, string Head);

/// <summary>
/// One line of the checkpoint file: every chain's start and head at <see cref="At"/>, linked to the line before
/// (<see cref="Previous"/> is that line's MAC) and signed with HMAC-SHA-256 under the audit key <see cref="KeyId"/>.
/// </summary>
public sealed record AuditCheckpoint(
    int Version,
    DateTimeOffset At,
    string KeyId,
    string Previous,
    IReadOnlyList<AuditChainCheckpoint> Chains,
    string Mac);

/// <summary>Why a checkpoint file cannot be trusted.</summary>
public sealed class AuditCheckpointException(string message) : Exception(message);

/// <summary>
/// The signed, append-only export of audit chain heads the operator keeps outside the database (a file, or a path on a
/// write-once object store). <c>audit checkpoint --out FILE</c> appends one JSON line; <c>audit verify --against FILE</c>
/// checks every line's signature and link, then that each chain named still starts and reaches its checkpointed head
/// with the same hashes. The MAC is <c>HMAC-SHA-256(audit key, "hub.audit.checkpoint.v1" || canonical text)</c>: whoever
/// holds only the database can neither forge a line nor rewrite a chain to match one.
/// </summary>
public static class AuditCheckpoints
{
    private const int CurrentVersion = 1;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Reads and authenticates every line of <paramref name="path"/> (none when the file does not exist).</summary>
    public static IReadOnlyList<AuditCheckpoint> Read(string path, AuditKeyRing keys)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var checkpoints = new List<AuditCheckpoint>();
        var previous = "";
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            AuditCheckpoint checkpoint;
            try
            {
                checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(line, Json)
                    ?? throw new AuditCheckpointException($"line {number} is empty");
            }
            catch (JsonException)
            {
                throw new AuditCheckpointException($"line {number} is not a checkpoint");
            }

            if (checkpoint.Version != CurrentVersion)
            {
                throw new AuditCheckpointException($"line {number} has unknown version {checkpoint.Version}");
            }

            var key = keys.Find(checkpoint.KeyId)
                ?? throw new AuditCheckpointException($"line {number} is signed with audit key '{checkpoint.KeyId}', which is not configured");
            if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(Mac(key, checkpoint)), SafeHex(checkpoint.Mac)))
            {
                throw new AuditCheckpointException($"line {number} does not carry a valid signature (edited or forged)");
            }

            if (!string.Equals(checkpoint.Previous, previous, StringComparison.Ordinal))
            {
                throw new AuditCheckpointException($"line {number} does not follow the line before it (a line was removed, reordered or inserted)");
            }

            previous = checkpoint.Mac;
            checkpoints.Add(checkpoint);
        }

        return checkpoints;
    }

    /// <summary>Signs a checkpoint of <paramref name="chains"/> linked to the file's last line and appends it.</summary>
    public static AuditCheckpoint Append(string path, AuditKeyRing keys, IReadOnlyList<AuditChainCheckpoint> chains, DateTimeOffset at)
    {
        var key = keys.Current ?? throw new AuditCheckpointException("no audit key is configured (Hub:Audit:KeyId) to sign the checkpoint with");
        var existing = Read(path, keys);
        var unsigned = new AuditCheckpoint(CurrentVersion, at, key.Id, existing.Count == 0 ? "" : existing[^1].Mac, chains, "");
        var signed = unsigned with { Mac = Mac(key, unsigned) };
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.Write(JsonSerializer.Serialize(signed, Json));
        writer.Write('\n');
        writer.Flush();
        stream.Flush(flushToDisk: true);
        return signed;
    }

    /// <summary>The last checkpointed position of every chain any line names.</summary>
    public static IReadOnlyDictionary<Guid, AuditChainCheckpoint> Latest(IReadOnlyList<AuditCheckpoint> checkpoints)
    {
        var latest = new Dictionary<Guid, AuditChainCheckpoint>();
        foreach (var chain in checkpoints.SelectMany(c => c.Chains))
        {
            if (!latest.TryGetValue(chain.Chain, out var held) || chain.Sequence >= held.Sequence)
            {
                latest[chain.Chain] = chain;
            }
        }

        return latest;
    }

    private static string Mac(AuditKey key, AuditCheckpoint checkpoint)
    {
        var text = new StringBuilder("hub.audit.checkpoint.v1\n");
        text.Append(CultureInfo.InvariantCulture, $"{checkpoint.Version}\n{checkpoint.At.ToUnixTimeMilliseconds()}\n{checkpoint.KeyId}\n{checkpoint.Previous}\n");
        foreach (var chain in checkpoint.Chains)
        {
            text.Append(CultureInfo.InvariantCulture, $"{chain.Chain:D} {chain.Start} {chain.Sequence} {chain.Head}\n");
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key.Secret, Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static byte[] SafeHex(string value)
    {
        try
        {
            return Convert.FromHexString(value);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
