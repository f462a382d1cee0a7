using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OrleansHub.Host.Audit;

/// <summary>
/// The canonical hash of one audit batch, shared by the writer (every storage mode) and the verifier:
/// <c>SHA-256(header || entry_0 || ... || entry_n-1)</c> where the header is
/// <c>"hub.audit.v1" || chain id || sequence || previous hash || entry count</c>. A keyed batch (an <see cref="AuditKey"/>)
/// is instead <c>HMAC-SHA-256(key, "hub.audit.v2" || key id || header fields as above || entries)</c>: without the key,
/// which is held outside the database, nobody can rehash a batch they edited.
/// Every value is length-prefixed or fixed-width, big-endian: strings are an int32 UTF-8 byte length (-1 for null)
/// then the bytes; GUIDs are their 16 RFC 4122 bytes; times are microseconds since 2000-01-01 UTC (what PostgreSQL
/// stores, so a row read back hashes the same as the entry written). An entry with a fee appends, after its request ID,
/// the product, the fields counted, exempt (0/1) and the schedule version. Not thread-safe: one instance per loop.
/// </summary>
public sealed class AuditBatchHasher : IDisposable
{
    public const int HashLength = 32;

    private static readonly byte[] GenesisHash = new byte[HashLength];
    private static readonly byte[] Magic = "hub.audit.v1"u8.ToArray();
    private static readonly byte[] KeyedMagic = "hub.audit.v2"u8.ToArray();
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly IncrementalHash _hash;
    private readonly AuditKey? _key;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private bool _open;

    /// <summary>An unkeyed hasher (plain SHA-256, the batches written before audit keys existed).</summary>
    public AuditBatchHasher()
        : this(null)
    {
    }

    /// <summary>A hasher keyed with <paramref name="key"/> (HMAC-SHA-256), or unkeyed when it is null.</summary>
    public AuditBatchHasher(AuditKey? key)
    {
        _key = key;
        _hash = key is null
            ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256)
            : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.Secret);
    }

    /// <summary>The ID of the key this hasher uses; null when unkeyed.</summary>
    public string? KeyId => _key?.Id;

    /// <summary>The previous hash of a chain's first batch: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> Genesis => GenesisHash;

    /// <summary>Starts a batch's hash.</summary>
    public void Begin(Guid chainId, long sequence, ReadOnlySpan<byte> previousHash, int entryCount)
    {
        if (_open)
        {
            // The last batch was abandoned half-way: start from a clean hash.
            _hash.GetHashAndReset();
        }

        _open = true;
        _buffer.ResetWrittenCount();
        if (_key is null)
        {
            Write(Magic);
        }
        else
        {
            Write(KeyedMagic);
            WriteString(_key.Id);
        }

        WriteGuid(chainId);
        WriteInt64(sequence);
        Write(previousHash);
        WriteInt32(entryCount);
    }

    /// <summary>Adds the next entry of the batch, in position order.</summary>
    public void Add(AuditEntry entry)
    {
        WriteGuid(entry.Id);
        WriteInt64(ToPostgresMicroseconds(entry.At));
        WriteString(entry.AgencyCode);
        WriteString(entry.CitizenId);
        WriteString(entry.Operation);
        WriteString(entry.Purpose);
        var fields = entry.Fields;
        WriteInt32(fields.Count);
        for (var i = 0; i < fields.Count; i++)
        {
            WriteString(fields[i]);
        }

        WriteInt32((int)entry.Outcome);
        WriteString(entry.Reason);
        WriteNullableInt64(entry.Fee?.Vnd);
        WriteString(entry.RequestId);
        // The rest of the charge follows only when there is one, so entries without a fee hash as they always did.
        if (entry.Fee is { } fee)
        {
            WriteString(fee.Product);
            WriteInt32(fee.Fields);
            WriteInt32(fee.Exempt ? 1 : 0);
            WriteInt32(fee.Schedule);
        }
        if (_buffer.WrittenCount > 48 * 1024)
        {
            Drain();
        }
    }

    /// <summary>Finishes the batch and returns its hash.</summary>
    public byte[] Finish()
    {
        Drain();
        _open = false;
        return _hash.GetHashAndReset();
    }

    public void Dispose() => _hash.Dispose();

    /// <summary>Microseconds since 2000-01-01 UTC, truncated the way Npgsql truncates a .NET time to a <c>timestamptz</c>.</summary>
    public static long ToPostgresMicroseconds(DateTimeOffset at) => (at.UtcTicks - PostgresEpochTicks) / 10;

    private void Drain()
    {
        _hash.AppendData(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }

    private void WriteGuid(Guid value)
    {
        value.TryWriteBytes(_buffer.GetSpan(16), bigEndian: true, out _);
        _buffer.Advance(16);
    }

    private void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    private void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    private void WriteNullableInt64(long? value)
    {
        var span = _buffer.GetSpan(9);
        span[0] = value.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], value.GetValueOrDefault());
        _buffer.Advance(9);
    }

    private void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        var span = _buffer.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        _buffer.Advance(4 + length);
    }
}
