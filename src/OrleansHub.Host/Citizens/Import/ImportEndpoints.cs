using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Citizens.Import;

/// <summary><c>POST /admin/citizens/import</c>: streams an NDJSON or CSV file of citizen records into the registry.</summary>
public static class ImportEndpoints
{
    public const string NdjsonMediaType = "application/x-ndjson";
    public const string CsvMediaType = "text/csv";

    public static IEndpointRouteBuilder MapCitizenImportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/citizens/import", ImportAsync)
            .RequireAuthorization(Roles.OperatorPolicy)
            .WithTags("Citizens")
            .Accepts<string>(NdjsonMediaType, CsvMediaType)
            .Produces<string>(StatusCodes.Status200OK, NdjsonMediaType)
            .WithName("ImportCitizens")
            .WithSummary("Bulk-imports citizen records")
            .WithDescription("Body: NDJSON (one record per line, as the citizen fields plus id and an optional card object) or CSV with a header row. "
                + "Each line is validated and the valid ones are committed; fields are credited to their owning sources. Re-running a file changes nothing. "
                + "The response streams one NDJSON line per rejected input line ({line, id, errors}) and ends with {summary: {...}}. "
                + $"No limit on file size; a line may be up to {ImportReaders.MaxLineBytes} bytes.");
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ImportAsync(
        HttpContext http, CitizenImporter importer, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> jsonOptions)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        if (mediaType is not (NdjsonMediaType or "application/jsonl" or CsvMediaType))
        {
            return HubProblems.Of(ProblemTypes.UnsupportedMediaType, $"Send the file as {NdjsonMediaType} or {CsvMediaType}.");
        }

        // The file is streamed line by line, so its total size is not a memory risk; the per-line limit is.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var lines = mediaType == CsvMediaType
            ? ImportReaders.ReadCsvAsync(http.Request.Body, http.RequestAborted)
            : ImportReaders.ReadNdjsonAsync(http.Request.BodyReader, http.RequestAborted);

        http.Response.ContentType = NdjsonMediaType;
        var json = jsonOptions.Value.SerializerOptions;
        var output = http.Response.Body;
        var summary = await importer.RunAsync(lines, rejected => WriteLineAsync(output,
            new { line = rejected.Line, id = rejected.Id, errors = rejected.Errors.Select(e => new { field = e.Field, message = e.Message }) }, json), http.RequestAborted);
        await WriteLineAsync(output, new { summary }, json);
        return TypedResults.Empty;
    }

    private static async Task WriteLineAsync<T>(Stream output, T value, JsonSerializerOptions json)
    {
        // One write per line: Kestrel forbids synchronous writes, and a line must never be split by a flush.
        var line = JsonSerializer.SerializeToUtf8Bytes(value, json);
        Array.Resize(ref line, line.Length + 1);
        line[^1] = (byte)'\n';
        await output.WriteAsync(line);
    }
}
