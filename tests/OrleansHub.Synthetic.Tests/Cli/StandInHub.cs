using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansHub.Synthetic.Tests.Cli;

/// <summary>What the stand-in hub saw of one import request.</summary>
internal sealed record ReceivedImport(string? Authorization, string? ContentType, bool Chunked, long? ContentLength, int Lines);

/// <summary>
/// A tiny Kestrel server on 127.0.0.1 speaking the import protocol: it reads the body line by line, streams a rejection for
/// every line whose number is a multiple of <c>rejectEvery</c>, then the summary. Or answers with a fixed failure.
/// </summary>
internal sealed class StandInHub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandInHub(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public List<ReceivedImport> Received { get; } = [];

    public static Task<StandInHub> StartImportingAsync(int rejectEvery, bool sendSummary = true) =>
        StartAsync((hub, http) => ImportAsync(hub, http, rejectEvery, sendSummary));

    public static Task<StandInHub> StartFailingAsync(int status, string body, string contentType = "application/problem+json") =>
        StartAsync(async (_, http) =>
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = contentType;
            await http.Response.WriteAsync(body);
        });

    private static async Task<StandInHub> StartAsync(Func<StandInHub, HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        StandInHub? hub = null;
        app.MapPost("/admin/citizens/import", (HttpContext http) => handler(hub!, http));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        hub = new StandInHub(app, new Uri(address));
        return hub;
    }

    private static async Task ImportAsync(StandInHub hub, HttpContext http, int rejectEvery, bool sendSummary)
    {
        var request = http.Request;
        http.Response.ContentType = "application/x-ndjson";
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var lines = 0;
        var rejected = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            lines++;
            if (lines % rejectEvery == 0)
            {
                rejected++;
                var rejection = new { line = lines, id = line[..Math.Min(12, line.Length)], errors = new[] { new { field = "dateOfBirth", message = "The date of birth cannot be in the future." } } };
                await http.Response.WriteAsync(JsonSerializer.Serialize(rejection) + "\n");
                await http.Response.Body.FlushAsync();
            }
        }

        lock (hub.Received)
        {
            hub.Received.Add(new ReceivedImport(request.Headers.Authorization, request.ContentType,
                request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase), request.ContentLength, lines));
        }

        if (sendSummary)
        {
            var summary = new { summary = new { lines, created = lines - rejected, updated = 0, unchanged = 0, rejected, elapsedMs = 12 } };
            await http.Response.WriteAsync(JsonSerializer.Serialize(summary) + "\n");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
