using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace OrleansHub.Bench.PlainLookup;

/// <summary>Lookup request, the same shape the hub's <c>POST /v1/lookups</c> takes.</summary>
public sealed record LookupRequest(string? CitizenId, string[]? Fields, string? Purpose);

/// <summary>Source-generated JSON for the request: no reflection on the hot path.</summary>
[JsonSerializable(typeof(LookupRequest))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class PlainJsonContext : JsonSerializerContext;

/// <summary>The two endpoints the benchmark drives: a constant (the machine's ceiling) and the lookup.</summary>
public static class LookupEndpoints
{
    private static readonly byte[] ConstantBody = """{"service":"plain-lookup","ok":true}"""u8.ToArray();

    /// <summary>Maps <c>GET /constant</c>: bare Kestrel and routing, no work, a fixed small JSON body.</summary>
    public static IEndpointRouteBuilder MapConstantApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/constant", () => TypedResults.Bytes(ConstantBody, "application/json"))
            .WithName("Constant")
            .WithSummary("A constant JSON document: what this machine's Kestrel can serve with no work");
        return app;
    }

    /// <summary>Maps <c>POST /v1/lookups</c>.</summary>
    public static IEndpointRouteBuilder MapLookupApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/lookups", Lookup)
            .WithName("Lookup")
            .WithSummary("Returns the requested fields of one citizen after recording the access");
        return app;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Lookup(
        LookupRequest request, HttpContext context, PlainLookupOptions options, LookupStore store, CancellationToken cancellationToken)
    {
        if (!options.Accepts(context.Request.Headers.Authorization))
        {
            return Problem(StatusCodes.Status401Unauthorized, "unauthenticated", "A valid agency key is required.");
        }

        if (Invalid(request) is { } problem)
        {
            return problem;
        }

        StoredFields stored;
        try
        {
            stored = await store.LookupAsync(request.CitizenId!, request.Fields!, request.Purpose!, cancellationToken);
        }
        catch (NpgsqlException)
        {
            // No answer without its audit row.
            return Problem(StatusCodes.Status503ServiceUnavailable, "audit-unavailable", "The access could not be recorded.");
        }

        if (!stored.Found)
        {
            return Problem(StatusCodes.Status404NotFound, "citizen-unknown", "No citizen has this ID.");
        }

        return TypedResults.Bytes(Answer(request.CitizenId!, stored.FieldsJson!), "application/json");
    }

    /// <summary>The agreement checks the hub also makes: well-formed ID, known and distinct fields, agreed purpose.</summary>
    private static ProblemHttpResult? Invalid(LookupRequest request)
    {
        if (request.CitizenId is not { Length: 12 } id || !id.All(char.IsAsciiDigit))
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid-citizen-id", "A citizen ID is 12 digits.");
        }

        if (request.Fields is not { Length: > 0 } fields || fields.Length > PlainLookupOptions.AgreementFields.Count
            || fields.Distinct(StringComparer.Ordinal).Count() != fields.Length)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid-fields", "Name between one and five distinct fields.");
        }

        if (!fields.All(PlainLookupOptions.AgreementFields.Contains))
        {
            return Problem(StatusCodes.Status403Forbidden, "field-not-agreed", "A requested field is outside the agreement.");
        }

        return request.Purpose is { } purpose && PlainLookupOptions.AgreementPurposes.Contains(purpose)
            ? null
            : Problem(StatusCodes.Status403Forbidden, "purpose-not-agreed", "The purpose is outside the agreement.");
    }

    /// <summary><c>{"citizenId":..., "fields":{...}}</c>, the fields object copied as PostgreSQL produced it.</summary>
    private static byte[] Answer(string citizenId, string fieldsJson)
    {
        var buffer = new ArrayBufferWriter<byte>(fieldsJson.Length * 2 + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("citizenId", citizenId);
            writer.WritePropertyName("fields");
            writer.WriteRawValue(fieldsJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static ProblemHttpResult Problem(int status, string type, string title) =>
        TypedResults.Problem(statusCode: status, type: $"https://orleanshub.example/bench/problems/{type}", title: title);
}
