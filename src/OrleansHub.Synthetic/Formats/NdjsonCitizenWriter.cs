using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansHub.Synthetic.Formats;

/// <summary>
/// Writes citizens as NDJSON, the hub's import format: one object per line with every key of <see cref="CitizenFields.JsonKeys"/>
/// (null where absent), UTF-8 without BOM, <c>\n</c> after each line, Vietnamese letters unescaped. Buffers about 64 KiB
/// before writing to the stream.
/// </summary>
public sealed class NdjsonCitizenWriter : ICitizenWriter
{
    private const int FlushThreshold = 64 * 1024;

    private static readonly JsonWriterOptions _options = new()
    {
        // Keeps "Nguyễn" and "O+" as they are; the output is data, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonEncodedText[] _keys = [.. CitizenFields.JsonKeys.Select(k => JsonEncodedText.Encode(k))];
    private static readonly JsonEncodedText[] _cardKeys = [.. CitizenFields.CardKeys.Select(k => JsonEncodedText.Encode(k))];

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _json;

    public NdjsonCitizenWriter(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _json = new Utf8JsonWriter(_buffer, _options);
    }

    /// <summary>Lines written so far.</summary>
    public long Count { get; private set; }

    public void Write(SyntheticCitizen citizen)
    {
        var j = _json;
        var key = 0;
        j.WriteStartObject();
        j.WriteString(_keys[key++], citizen.Id);
        j.WriteString(_keys[key++], citizen.FullName);
        j.WriteString(_keys[key++], citizen.OtherNames);
        WriteDate(_keys[key++], citizen.DateOfBirth);
        j.WriteString(_keys[key++], citizen.Sex.ToWire());
        j.WriteString(_keys[key++], citizen.PlaceOfBirth);
        j.WriteString(_keys[key++], citizen.Hometown);
        j.WriteString(_keys[key++], citizen.Ethnicity);
        j.WriteString(_keys[key++], citizen.Religion);
        j.WriteString(_keys[key++], citizen.Nationality);
        j.WriteString(_keys[key++], citizen.BloodType);
        j.WriteString(_keys[key++], citizen.PermanentResidence);
        j.WriteString(_keys[key++], citizen.ResidenceProvince);
        j.WriteString(_keys[key++], citizen.CurrentResidence);
        j.WriteString(_keys[key++], citizen.TemporaryResidence);
        j.WriteString(_keys[key++], citizen.MaritalStatus.ToWire());
        j.WriteString(_keys[key++], citizen.FatherId);
        j.WriteString(_keys[key++], citizen.FatherName);
        j.WriteString(_keys[key++], citizen.MotherId);
        j.WriteString(_keys[key++], citizen.MotherName);
        j.WriteString(_keys[key++], citizen.SpouseId);
        j.WriteString(_keys[key++], citizen.SpouseName);
        j.WriteString(_keys[key++], citizen.LegalRepresentativeId);
        j.WriteString(_keys[key++], citizen.LegalRepresentativeName);
        j.WriteString(_keys[key++], citizen.HeadOfHouseholdId);
        j.WriteString(_keys[key++], citizen.RelationshipToHead.ToWire());
        WriteDate(_keys[key++], citizen.DateOfDeath);
        j.WriteString(_keys[key++], citizen.EIdLevel.ToWire());
        j.WriteString(_keys[key++], citizen.HealthInsuranceNumber);
        j.WriteString(_keys[key++], citizen.SocialInsuranceNumber);
        j.WriteString(_keys[key++], citizen.TaxCode);
        WriteList(_keys[key++], citizen.DrivingLicences);
        WriteList(_keys[key++], citizen.VehicleRegistrations);
        WriteCard(_keys[key], citizen.Card);
        j.WriteEndObject();
        j.Flush();
        j.Reset();

        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        Count++;
        if (_buffer.WrittenCount >= FlushThreshold)
        {
            WriteBuffer();
        }
    }

    /// <summary>Writes the buffered lines and flushes the stream.</summary>
    public void Flush()
    {
        WriteBuffer();
        _stream.Flush();
    }

    public void Dispose()
    {
        Flush();
        _json.Dispose();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void WriteBuffer()
    {
        if (_buffer.WrittenCount > 0)
        {
            _stream.Write(_buffer.WrittenSpan);
            _buffer.ResetWrittenCount();
        }
    }

    private void WriteDate(JsonEncodedText key, DateOnly? date)
    {
        if (date is not { } value)
        {
            _json.WriteNull(key);
            return;
        }

        Span<byte> text = stackalloc byte[10];
        value.TryFormat(text, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        _json.WriteString(key, text[..written]);
    }

    private void WriteList(JsonEncodedText key, IReadOnlyList<string> items)
    {
        _json.WriteStartArray(key);
        foreach (var item in items)
        {
            _json.WriteStringValue(item);
        }

        _json.WriteEndArray();
    }

    private void WriteCard(JsonEncodedText key, SyntheticCard? card)
    {
        if (card is null)
        {
            _json.WriteNull(key);
            return;
        }

        _json.WriteStartObject(key);
        _json.WriteString(_cardKeys[0], card.Number);
        WriteDate(_cardKeys[1], card.IssuedOn);
        WriteDate(_cardKeys[2], card.ExpiresOn);
        _json.WriteString(_cardKeys[3], card.IssuedBy);
        _json.WriteEndObject();
    }
}
