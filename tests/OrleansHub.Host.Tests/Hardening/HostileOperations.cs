using System.Text.Json.Nodes;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>Who an operation is called as, so a hostile request reaches validation instead of stopping at 401.</summary>
public enum HostileRole
{
    Anonymous,
    Operator,
    Agency,
    Citizen,
}

/// <summary>One parameter of an operation, as the OpenAPI document declares it.</summary>
/// <summary>One parameter of an operation; <see cref="Pattern"/> is its schema's pattern (what the hub accepts), if any.</summary>
public sealed record HostileParameter(string Name, string In, string? Type, string? Format, bool Required, string? Pattern = null);

/// <summary>One operation of the OpenAPI document: what the hostile-input suite mutates.</summary>
public sealed record HostileOperation(
    string Id,
    string Method,
    string PathTemplate,
    IReadOnlyList<HostileParameter> Parameters,
    string? BodyMediaType,
    JsonObject? BodySchema,
    JsonNode? BodyExample,
    HostileRole Role)
{
    public override string ToString() => $"{Id} ({Method} {PathTemplate})";
}

/// <summary>
/// Reads every operation out of the hub's OpenAPI document, so an operation added later is covered without editing the
/// suite. The role follows the path's family (the document carries no security requirements).
/// </summary>
public static class HostileOperations
{
    public static IReadOnlyList<HostileOperation> Read(JsonObject document)
    {
        var schemas = document["components"]?["schemas"]?.AsObject() ?? [];
        var operations = new List<HostileOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                if (method is "parameters" or "summary" or "description" or "servers")
                {
                    continue;
                }

                var op = node!.AsObject();
                var parameters = (op["parameters"]?.AsArray() ?? []).Select(p => Parameter(p!.AsObject(), schemas)).ToList();
                var content = op["requestBody"]?["content"]?.AsObject();
                // Prefer JSON: it is what nearly every endpoint reads; the others (NDJSON, CSV) are mutated as opaque text.
                var media = content is null ? null
                    : content.ContainsKey("application/json") ? "application/json" : content.Select(c => c.Key).FirstOrDefault();
                var schema = media is null ? null : Resolve(content![media]!["schema"]?.AsObject(), schemas);
                var example = media is null ? null : content![media]!["example"]?.DeepClone();
                operations.Add(new HostileOperation(
                    op["operationId"]?.GetValue<string>() ?? $"{method.ToUpperInvariant()} {path}",
                    method.ToUpperInvariant(), path, parameters, media, schema, example, RoleFor(path)));
            }
        }

        return operations;
    }

    /// <summary>The credential each path family takes: /admin and /dev the operator, /v1 an agency, /me a citizen.</summary>
    public static HostileRole RoleFor(string path) => path switch
    {
        _ when path.StartsWith("/admin/", StringComparison.Ordinal) || path.StartsWith("/dev/", StringComparison.Ordinal) => HostileRole.Operator,
        _ when path.StartsWith("/v1/", StringComparison.Ordinal) => HostileRole.Agency,
        _ when path.StartsWith("/me/", StringComparison.Ordinal) || path == "/me" => HostileRole.Citizen,
        _ => HostileRole.Anonymous,
    };

    /// <summary>Follows a <c>$ref</c> (and the single-entry <c>allOf</c>/<c>oneOf</c> nullable wrappers) to the schema object.</summary>
    public static JsonObject? Resolve(JsonObject? schema, JsonObject schemas)
    {
        for (var hops = 0; schema is not null && hops < 16; hops++)
        {
            if (schema["$ref"]?.GetValue<string>() is { } reference)
            {
                schema = schemas[reference[(reference.LastIndexOf('/') + 1)..]]?.AsObject();
                continue;
            }

            var wrapped = (schema["allOf"] ?? schema["oneOf"] ?? schema["anyOf"])?.AsArray()
                .Select(s => s!.AsObject()).FirstOrDefault(s => s["type"]?.ToString() != "null");
            if (wrapped is not null && schema["type"] is null && schema["properties"] is null)
            {
                schema = wrapped;
                continue;
            }

            return schema;
        }

        return schema;
    }

    /// <summary>The schema's primary type, ignoring <c>null</c> in a type array.</summary>
    public static string? TypeOf(JsonObject? schema) => schema?["type"] switch
    {
        JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        JsonValue type => type.GetValue<string>(),
        _ => schema?["properties"] is not null ? "object" : schema?["enum"] is not null ? "string" : null,
    };

    public static bool IsNullable(JsonObject? schema) =>
        schema?["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "null");

    private static HostileParameter Parameter(JsonObject p, JsonObject schemas)
    {
        var schema = Resolve(p["schema"]?.AsObject(), schemas);
        return new HostileParameter(p["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), TypeOf(schema),
            schema?["format"]?.GetValue<string>(), p["required"]?.GetValue<bool>() ?? false, schema?["pattern"]?.GetValue<string>());
    }
}
