using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansHub.Cli.Importing;

/// <summary>
/// Client of <c>POST /admin/citizens/import</c>. Streams the file up (chunked, never loaded whole) and reads the streamed
/// NDJSON answer: zero or more rejection lines, then one <c>{"summary":{...}}</c> line. A non-2xx answer is problem+json.
/// The <see cref="HttpClient"/> should have an infinite timeout: a large import runs for as long as it runs.
/// </summary>
public sealed class ImportClient(HttpClient http)
{
    public const string ImportPath = "admin/citizens/import";
    public const string NdjsonMediaType = "application/x-ndjson";
    public const string CsvMediaType = "text/csv";

    private const int MaxErrorBodyChars = 4000;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Sends <paramref name="file"/> to the hub at <paramref name="hub"/>. <paramref name="bytesSent"/> hears the running total
    /// of bytes sent; <paramref name="rejected"/> hears each rejection line, raw and parsed, as it arrives.
    /// </summary>
    public async Task<ImportOutcome> ImportAsync(Stream file, bool csv, Uri hub, string key, Action<long>? bytesSent,
        Action<string, ImportRejection>? rejected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ImportUri(hub))
        {
            Content = new FileUploadContent(file, csv ? CsvMediaType : NdjsonMediaType, bytesSent),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(NdjsonMediaType));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));

        long rejections = 0;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return ImportOutcome.Failed(await DescribeFailureAsync(response, cancellationToken));
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                switch (Parse(line))
                {
                    case ImportSummary summary:
                        return new ImportOutcome(summary, rejections, null);
                    case ImportRejection rejection:
                        rejections++;
                        rejected?.Invoke(line, rejection);
                        break;
                    default:
                        return ImportOutcome.Failed($"The hub sent a line that is neither a rejection nor the summary: {Shorten(line, 200)}", rejections);
                }
            }

            return ImportOutcome.Failed($"The hub ended the response without a summary line, after {rejections:N0} rejection lines; the import may not have finished.", rejections);
        }
        catch (HttpRequestException exception)
        {
            return ImportOutcome.Failed($"Could not talk to the hub at {hub}: {exception.Message}", rejections);
        }
        catch (IOException exception)
        {
            return ImportOutcome.Failed($"The connection to the hub broke: {exception.Message}", rejections);
        }
    }

    /// <summary>The import endpoint under <paramref name="hub"/>, keeping any path prefix the hub is served under.</summary>
    public static Uri ImportUri(Uri hub)
    {
        var text = hub.ToString();
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), ImportPath);
    }

    /// <summary>A rejection, the summary, or null for a line of neither shape.</summary>
    internal static object? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("summary", out var summary))
            {
                return summary.Deserialize<ImportSummary>(_json);
            }

            return root.TryGetProperty("line", out _) ? root.Deserialize<ImportRejection>(_json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> DescribeFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(body);
            var title = Member(problem.RootElement, "title");
            var detail = Member(problem.RootElement, "detail");
            return string.Join(": ", new[] { $"The hub answered {status}", title, detail }.Where(part => !string.IsNullOrEmpty(part)));
        }
        catch (JsonException)
        {
            return string.IsNullOrWhiteSpace(body) ? $"The hub answered {status}." : $"The hub answered {status}: {Shorten(body, MaxErrorBodyChars)}";
        }
    }

    private static string? Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
