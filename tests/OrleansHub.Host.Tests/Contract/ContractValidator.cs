using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace OrleansHub.Host.Tests.Contract;

/// <summary>
/// Checks an answer against the OpenAPI document the hub serves: the request's method and path are matched to an
/// operation, the status must be one the operation documents, the content type one that status documents, and a JSON
/// body must validate against its schema ($refs into the document resolved). A request no operation matches (no such
/// path or method) must still be a valid <c>ProblemDetails</c> when it is an error.
/// </summary>
public sealed class ContractValidator
{
    private static readonly Uri DocumentUri = new("https://orleanshub.test/openapi/v1.json");
    private static readonly ConcurrentDictionary<string, Task<ContractValidator>> Served = new(StringComparer.Ordinal);

    private readonly List<Operation> _operations = [];
    private readonly BuildOptions _build = new() { SchemaRegistry = new SchemaRegistry() };
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    private sealed record Operation(string Method, string Template, Regex Path, int Parameters, string Pointer, JsonObject Responses);

    public ContractValidator(string documentJson)
    {
        var document = JsonNode.Parse(documentJson)!.AsObject();
        // Each response schema is copied under a plain name so it can be referenced without escaping the path template.
        var schemas = document["components"]!["schemas"]!.AsObject();
        var index = 0;
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var responses = operation!["responses"]!.AsObject();
                foreach (var (_, response) in responses)
                {
                    foreach (var (_, media) in response!["content"]?.AsObject() ?? [])
                    {
                        if (media!["schema"] is { } schema)
                        {
                            var name = $"contract-response-{index++}";
                            schemas[name] = schema.DeepClone();
                            media["x-contract-schema"] = name;
                        }
                    }
                }

                var pattern = "^" + Regex.Replace(Regex.Escape(template).Replace("\\{", "{", StringComparison.Ordinal), "{[^}/]+}", "[^/]+") + "/?$";
                _operations.Add(new(method.ToUpperInvariant(), template, new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
                    template.Count(c => c == '{'), $"{method} {template}", responses.DeepClone().AsObject()));
            }
        }

        _operations.Sort((a, b) => a.Parameters.CompareTo(b.Parameters));
        _build.SchemaRegistry.Register(new JsonElementBaseDocument(JsonDocument.Parse(document.ToJsonString()).RootElement.Clone(), DocumentUri));
        Document = document;
    }

    public JsonObject Document { get; }

    /// <summary>The validator for the document the hub at <paramref name="baseAddress"/> serves, fetched once per hub.</summary>
    public static Task<ContractValidator> ForHubAsync(Uri baseAddress, Func<Uri, Task<string>> fetch) =>
        Served.GetOrAdd(baseAddress.GetLeftPart(UriPartial.Authority), _ => LoadAsync(baseAddress, fetch));

    private static async Task<ContractValidator> LoadAsync(Uri baseAddress, Func<Uri, Task<string>> fetch) =>
        new(await fetch(new Uri(baseAddress, "/openapi/v1.json")));

    /// <summary>Null when the answer keeps the contract; otherwise what broke it.</summary>
    public string? Check(string method, string pathAndQuery, int status, string? mediaType, string body, bool bodyRead = true)
    {
        var path = pathAndQuery.Split('?', 2)[0];
        var operation = _operations.FirstOrDefault(o => o.Method == method.ToUpperInvariant() && o.Path.IsMatch(path));
        var what = $"{method} {path} answered {status} {mediaType}";
        if (operation is null)
        {
            // Outside the document (no such route or method, or a page that is not part of the API): an error must still be a problem.
            return status >= 400 && mediaType == "application/problem+json" ? Validate("ProblemDetails", body, what) : null;
        }

        if (operation.Responses[status.ToString(CultureInfo.InvariantCulture)] is not JsonObject response)
        {
            return $"{what}: status {status} is not documented for {operation.Pointer} (documented: {string.Join(", ", operation.Responses.Select(r => r.Key))}); body {Cut(body)}";
        }

        if (response["content"] is not JsonObject content || content.Count == 0)
        {
            return body.Length == 0 ? null : $"{what}: {operation.Pointer} documents no body for {status}, but one came: {Cut(body)}";
        }

        if (mediaType is null || content[mediaType] is not JsonObject media)
        {
            return $"{what}: content type {mediaType ?? "(none)"} is not documented for {operation.Pointer} {status} (documented: {string.Join(", ", content.Select(c => c.Key))})";
        }

        // JSON bodies are validated; NDJSON, CSV, event streams and text are checked by content type only.
        var json = mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);
        if (!bodyRead || !json || media["x-contract-schema"]?.GetValue<string>() is not { } schema)
        {
            return null;
        }

        return Validate(schema, body, $"{what} ({operation.Pointer})");
    }

    private string? Validate(string schemaName, string body, string what)
    {
        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            return $"{what}: the body is not JSON ({e.Message}): {Cut(body)}";
        }

        var schema = _schemas.GetOrAdd(schemaName, name =>
            JsonSchema.FromText($"{{\"$ref\":\"{DocumentUri}#/components/schemas/{name}\"}}", _build));
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}").Distinct().Take(5);
        return $"{what}: the body does not match the documented schema: {string.Join(" | ", errors)}; body {Cut(body)}";
    }

    private static string Cut(string s) => s.Length <= 300 ? s : s[..300] + "…";
}

/// <summary>An answer that breaks the served OpenAPI document.</summary>
public sealed class ContractViolationException(string message) : Exception(message);

/// <summary>
/// Checks every answer an <see cref="HttpClient"/> receives against the document its hub serves (<see cref="ContractValidator"/>),
/// and throws <see cref="ContractViolationException"/> for one that breaks it. Streams are checked by status and content type.
/// A request marked with <see cref="CheckedByCaller"/> is left to its sender (the hostile suite collects its own).
/// </summary>
public sealed class ContractCheckingHandler : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<bool> CheckedByCaller = new("contract-checked-by-caller");

    public ContractCheckingHandler()
    {
    }

    public ContractCheckingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>A client of the hub (a process, or any Kestrel) at <paramref name="baseAddress"/> whose every answer is checked.</summary>
    public static HttpClient CreateClient(Uri baseAddress, TimeSpan? timeout = null) =>
        new(new ContractCheckingHandler(new SocketsHttpHandler())) { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Options.TryGetValue(CheckedByCaller, out var skip) && skip)
        {
            return response;
        }

        var uri = request.RequestUri!;
        var validator = await ContractValidator.ForHubAsync(uri, async address =>
        {
            using var fetch = new HttpRequestMessage(HttpMethod.Get, address);
            using var answer = await base.SendAsync(fetch, CancellationToken.None);
            return await answer.Content.ReadAsStringAsync(CancellationToken.None);
        });
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var streams = mediaType == "text/event-stream";
        var body = "";
        if (!streams)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }

        if (validator.Check(request.Method.Method, uri.AbsolutePath, (int)response.StatusCode, mediaType, body, bodyRead: !streams) is { } violation)
        {
            throw new ContractViolationException(violation);
        }

        return response;
    }
}
