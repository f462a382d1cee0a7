using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace OrleansHub.Cli.Importing;

/// <summary>
/// Request content that streams a file in 64 KiB pieces and reports the bytes sent. It declares no length, so the request
/// goes out with chunked transfer encoding and the file is never held in memory.
/// </summary>
internal sealed class FileUploadContent : HttpContent
{
    private const int ChunkSize = 64 * 1024;

    private readonly Stream _source;
    private readonly Action<long>? _bytesSent;

    public FileUploadContent(Stream source, string mediaType, Action<long>? bytesSent)
    {
        _source = source;
        _bytesSent = bytesSent;
        Headers.ContentType = new MediaTypeHeaderValue(mediaType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long sent = 0;
            int read;
            while ((read = await _source.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                sent += read;
                _bytesSent?.Invoke(sent);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
