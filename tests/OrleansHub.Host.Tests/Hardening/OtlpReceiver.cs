using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// An OpenTelemetry collector stand-in for OTLP over HTTP (<c>http/protobuf</c>) on a loopback port: keeps every export
/// request body as sent. Protobuf carries strings as raw UTF-8, so a span's name, attributes and events (an
/// <c>exception</c> event's <c>exception.message</c> and stack) are found in the bytes without decoding the messages.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly int _port = Infrastructure.FreePort.Next();
    private readonly ConcurrentQueue<byte[]> _exports = new();
    private WebApplication? _app;

    /// <summary>Where the hub sends its traces.</summary>
    public string TracesUrl => $"http://127.0.0.1:{_port}/v1/traces";

    /// <summary>How many export requests arrived.</summary>
    public int Exports => _exports.Count;

    /// <summary>Bytes received in all.</summary>
    public long Bytes => _exports.Sum(e => (long)e.Length);

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{receiver._port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver._exports.Enqueue(body.ToArray());
            // An empty ExportTraceServiceResponse: full success.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        receiver._app = app;
        return receiver;
    }

    /// <summary>Up to <paramref name="limit"/> places where <paramref name="value"/> occurs in what was exported, each with the text around it.</summary>
    public IEnumerable<string> Find(string value, int limit = 3)
    {
        var needle = Encoding.UTF8.GetBytes(value);
        return _exports.SelectMany(export => Occurrences(export, needle)).Take(limit);
    }

    /// <summary>How many times <paramref name="value"/> occurs in what was exported.</summary>
    public int Count(string value)
    {
        var needle = Encoding.UTF8.GetBytes(value);
        return _exports.Sum(export => Occurrences(export, needle).Count);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static List<string> Occurrences(byte[] export, byte[] needle)
    {
        var found = new List<string>();
        var from = 0;
        while (from < export.Length && export.AsSpan(from).IndexOf(needle) is var at && at >= 0)
        {
            var start = Math.Max(0, from + at - 120);
            var end = Math.Min(export.Length, from + at + needle.Length + 120);
            // Protobuf framing bytes shown as spaces: the strings around the value are what tells where it was.
            found.Add(new string([.. Encoding.UTF8.GetString(export, start, end - start).Select(c => char.IsControl(c) ? ' ' : c)]));
            from += at + needle.Length;
        }

        return found;
    }
}
