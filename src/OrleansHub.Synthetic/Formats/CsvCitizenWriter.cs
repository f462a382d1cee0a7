using System.Globalization;
using System.Text;

namespace OrleansHub.Synthetic.Formats;

/// <summary>
/// Writes citizens as CSV (RFC 4180 quoting, <c>\n</c> line ends): a header of <see cref="CitizenFields.CsvColumns"/>, then one
/// row per citizen. An empty cell means null; lists are joined with <c>|</c>; the card is flattened into four columns.
/// </summary>
public sealed class CsvCitizenWriter : ICitizenWriter
{
    private static readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly TextWriter _writer;
    private readonly bool _leaveOpen;
    private readonly string?[] _cells = new string?[CitizenFields.CsvColumns.Count];

    /// <summary>Writes UTF-8 without BOM to <paramref name="stream"/>.</summary>
    public CsvCitizenWriter(Stream stream, bool leaveOpen = false)
        : this(new StreamWriter(stream, _utf8, bufferSize: 64 * 1024, leaveOpen) { NewLine = "\n" }, leaveOpen: false)
    {
    }

    /// <summary>Writes to <paramref name="writer"/>; lines end with <c>\n</c> whatever its <see cref="TextWriter.NewLine"/>.</summary>
    public CsvCitizenWriter(TextWriter writer, bool leaveOpen = false)
    {
        _writer = writer;
        _leaveOpen = leaveOpen;
        WriteRow(CitizenFields.CsvColumns);
    }

    /// <summary>Rows written so far, not counting the header.</summary>
    public long Count { get; private set; }

    public void Write(SyntheticCitizen citizen)
    {
        var c = _cells;
        var i = 0;
        c[i++] = citizen.Id;
        c[i++] = citizen.FullName;
        c[i++] = citizen.OtherNames;
        c[i++] = Date(citizen.DateOfBirth);
        c[i++] = citizen.Sex.ToWire();
        c[i++] = citizen.PlaceOfBirth;
        c[i++] = citizen.Hometown;
        c[i++] = citizen.Ethnicity;
        c[i++] = citizen.Religion;
        c[i++] = citizen.Nationality;
        c[i++] = citizen.BloodType;
        c[i++] = citizen.PermanentResidence;
        c[i++] = citizen.ResidenceProvince;
        c[i++] = citizen.CurrentResidence;
        c[i++] = citizen.TemporaryResidence;
        c[i++] = citizen.MaritalStatus.ToWire();
        c[i++] = citizen.FatherId;
        c[i++] = citizen.FatherName;
        c[i++] = citizen.MotherId;
        c[i++] = citizen.MotherName;
        c[i++] = citizen.SpouseId;
        c[i++] = citizen.SpouseName;
        c[i++] = citizen.LegalRepresentativeId;
        c[i++] = citizen.LegalRepresentativeName;
        c[i++] = citizen.HeadOfHouseholdId;
        c[i++] = citizen.RelationshipToHead.ToWire();
        c[i++] = Date(citizen.DateOfDeath);
        c[i++] = citizen.EIdLevel.ToWire();
        c[i++] = citizen.HealthInsuranceNumber;
        c[i++] = citizen.SocialInsuranceNumber;
        c[i++] = citizen.TaxCode;
        c[i++] = List(citizen.DrivingLicences);
        c[i++] = List(citizen.VehicleRegistrations);
        c[i++] = citizen.Card?.Number;
        c[i++] = Date(citizen.Card?.IssuedOn);
        c[i++] = Date(citizen.Card?.ExpiresOn);
        c[i] = citizen.Card?.IssuedBy;
        WriteRow(c);
        Count++;
    }

    public void Flush() => _writer.Flush();

    public void Dispose()
    {
        _writer.Flush();
        if (!_leaveOpen)
        {
            _writer.Dispose();
        }
    }

    private void WriteRow(IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                _writer.Write(',');
            }

            WriteCell(cells[i]);
        }

        _writer.Write('\n');
    }

    private void WriteCell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _writer.Write(value);
            return;
        }

        _writer.Write('"');
        _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? List(IReadOnlyList<string> items) =>
        items.Count == 0 ? null : string.Join(CitizenFields.CsvListSeparator, items);
}
