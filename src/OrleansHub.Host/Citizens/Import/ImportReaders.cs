using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using OrleansHub.Abstractions.Citizens;
using Sylvan.Data.Csv;

namespace OrleansHub.Host.Citizens.Import;

/// <summary>
/// Streams import lines out of a request body. Memory is bounded by one line (<see cref="MaxLineBytes"/>) whatever the
/// size of the file: a longer line is skipped and reported, not buffered.
/// </summary>
public static class ImportReaders
{
    public const int MaxLineBytes = 64 * 1024;

    private static readonly JsonDocumentOptions LineOptions = new() { MaxDepth = 4 };

    /// <summary>Reads newline-delimited JSON: one citizen object per line; blank lines are ignored.</summary>
    public static async IAsyncEnumerable<ImportLine> ReadNdjsonAsync(PipeReader body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long number = 0;
        var skippingLongLine = false;
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            while (TryTakeLine(ref buffer, out var line))
            {
                number++;
                if (skippingLongLine)
                {
                    skippingLongLine = false;
                    yield return TooLong(number);
                }
                else if (!IsBlank(line))
                {
                    yield return Parse(number, line);
                }
            }

            if (read.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    number++;
                    yield return skippingLongLine ? TooLong(number) : Parse(number, buffer);
                }

                // Every ReadAsync must be answered by AdvanceTo, or Kestrel cannot drain the request afterwards.
                body.AdvanceTo(buffer.End);
                await body.CompleteAsync();
                yield break;
            }

            if (buffer.Length > MaxLineBytes)
            {
                // Drop what we have of the oversized line and keep dropping until its newline.
                skippingLongLine = true;
                body.AdvanceTo(buffer.End);
            }
            else
            {
                body.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    /// <summary>Reads RFC 4180 CSV with a header row naming the fields (and <c>id</c>, card columns).</summary>
    public static async IAsyncEnumerable<ImportLine> ReadCsvAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var text = new StreamReader(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, MaxBufferSize = MaxLineBytes * 4 }, cancellationToken);
        var columns = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        long number = 1; // the header
        while (true)
        {
            ImportLine? failure = null;
            try
            {
                if (!await csv.ReadAsync(cancellationToken))
                {
                    yield break;
                }
            }
            catch (Exception exception) when (exception is CsvFormatException or DecoderFallbackException or InvalidDataException)
            {
                // A broken record desynchronises the reader: report it and stop rather than guess where the next row starts.
                failure = ImportLine.Rejected(number + 1, null, new FieldError("$", "The CSV is malformed here (unbalanced quotes, a record too long, or invalid UTF-8); the rest of the file was not read."));
            }

            if (failure is not null)
            {
                yield return failure;
                yield break;
            }

            number++;
            if (csv.RowFieldCount != columns.Length)
            {
                yield return ImportLine.Rejected(number, null, new FieldError("$", $"The row has {csv.RowFieldCount} cells; the header has {columns.Length}."));
                continue;
            }

            yield return ImportLineParser.FromCsv(number, [.. columns.Select((column, i) => (column, csv.GetString(i)))]);
        }
    }

    private static ImportLine Parse(long number, ReadOnlySequence<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line, LineOptions);
            return ImportLineParser.FromJson(number, document.RootElement);
        }
        catch (JsonException)
        {
            return ImportLine.Rejected(number, null, new FieldError("$", "The line is not valid JSON (or not UTF-8)."));
        }
    }

    private static ImportLine TooLong(long number) =>
        ImportLine.Rejected(number, null, new FieldError("$", $"The line is longer than {MaxLineBytes} bytes."));

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is not { } end)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end);
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        return true;
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
