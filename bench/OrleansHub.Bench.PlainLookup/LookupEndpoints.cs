using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace OrleansHub.Bench.PlainLookup;

/// <summary>Lookup request, the same shape the hub's <c>POST /v1/lookups</c> takes.</summary>
public sealed record LookupRequest(string? CitizenId, string[]? Fields, string? Purpose);

/// <summary>Batch request, the same shape the hub's <c>POST /v1/lookups/batch</c> takes.</summary>
public sealed record BatchLookupRequest(string[]? CitizenIds, string[]? Fields, string? Purpose);

/// <summary>Verification request, the shape the hub's <c>POST /v1/verifications</c> takes (the claims and predicates the benchmark sends).</summary>
public sealed record VerificationRequest(string? CitizenId, string? Purpose, Dictionary<string, string>? Claims, VerificationPredicates? Predicates);

/// <summary>The predicates the benchmark asks: a minimum age.</summary>
public sealed record VerificationPredicates(int? MinimumAge);

/// <summary>Source-generated JSON for the requests: no reflection on the hot path.</summary>
[JsonSerializable(typeof(LookupRequest))]
[JsonSerializable(typeof(BatchLookupRequest))]
[JsonSerializable(typeof(VerificationRequest))]
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

    /// <summary>Maps <c>POST /v1/lookups</c>, <c>/v1/lookups/batch</c> and <c>/v1/verifications</c>.</summary>
    public static IEndpointRouteBuilder MapLookupApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/lookups", Lookup)
            .WithName("Lookup")
            .WithSummary("Returns the requested fields of one citizen after recording the access");
        app.MapPost("/v1/lookups/batch", BatchLookup)
            .WithName("BatchLookup")
            .WithSummary("Returns the requested fields of up to 100 citizens after recording one access row each");
        app.MapPost("/v1/verifications", Verify)
            .WithName("Verify")
            .WithSummary("Answers a name claim and a minimum age for one citizen after recording the access");
        return app;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> BatchLookup(
        BatchLookupRequest request, HttpContext context, PlainLookupOptions options, LookupStore store, CancellationToken cancellationToken)
    {
        if (!options.Accepts(context.Request.Headers.Authorization))
        {
            return Problem(StatusCodes.Status401Unauthorized, "unauthenticated", "A valid agency key is required.");
        }

        if (request.CitizenIds is not { Length: > 0 and <= 100 } ids || ids.Distinct(StringComparer.Ordinal).Count() != ids.Length)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid-batch", "Name 1 to 100 distinct citizen IDs.");
        }

        foreach (var id in ids)
        {
            if (Invalid(new LookupRequest(id, request.Fields, request.Purpose)) is { } problem)
            {
                return problem;
            }
        }

        Dictionary<string, string> found;
        try
        {
            found = await store.LookupBatchAsync(ids, request.Fields!, request.Purpose!, cancellationToken);
        }
        catch (NpgsqlException)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "audit-unavailable", "The accesses could not be recorded.");
        }

        var buffer = new ArrayBufferWriter<byte>(found.Count * 256 + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var id in ids)
            {
                writer.WriteStartObject();
                writer.WriteString("citizenId", id);
                if (found.TryGetValue(id, out var json))
                {
                    writer.WritePropertyName("fields");
                    writer.WriteRawValue(json, skipInputValidation: true);
                }
                else
                {
                    writer.WriteString("problem", "citizen-unknown");
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return TypedResults.Bytes(buffer.WrittenSpan.ToArray(), "application/json");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Verify(
        VerificationRequest request, HttpContext context, PlainLookupOptions options, LookupStore store, CancellationToken cancellationToken)
    {
        if (!options.Accepts(context.Request.Headers.Authorization))
        {
            return Problem(StatusCodes.Status401Unauthorized, "unauthenticated", "A valid agency key is required.");
        }

        var claims = request.Claims ?? [];
        string[] fields = [.. claims.Keys.Append(request.Predicates?.MinimumAge is null ? null : "dateOfBirth").OfType<string>().Distinct()];
        if (fields.Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid-question", "Ask at least one claim or predicate.");
        }

        if (Invalid(new LookupRequest(request.CitizenId, fields, request.Purpose)) is { } invalid)
        {
            return invalid;
        }

        StoredFields stored;
        try
        {
            stored = await store.LookupAsync(request.CitizenId!, fields, request.Purpose!, cancellationToken);
        }
        catch (NpgsqlException)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "audit-unavailable", "The access could not be recorded.");
        }

        if (!stored.Found)
        {
            return Problem(StatusCodes.Status404NotFound, "citizen-unknown", "No citizen has this ID.");
        }

        using var record = JsonDocument.Parse(stored.FieldsJson!);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("citizenId", request.CitizenId);
            writer.WriteStartObject("claims");
            foreach (var (field, claimed) in claims)
            {
                var held = record.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                writer.WriteBoolean(field, held is not null && Normalize(held) == Normalize(claimed));
            }

            writer.WriteEndObject();
            writer.WriteStartObject("predicates");
            if (request.Predicates?.MinimumAge is { } minimumAge)
            {
                var born = record.RootElement.TryGetProperty("dateOfBirth", out var dob) && DateOnly.TryParse(dob.GetString(), out var d) ? d : (DateOnly?)null;
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                writer.WriteBoolean("minimumAge", born is { } b && b.AddYears(minimumAge) <= today);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return TypedResults.Bytes(buffer.WrittenSpan.ToArray(), "application/json");
    }

    /// <summary>Unicode-normalised, case-insensitive, single-spaced: how the hub compares a claim with the record.</summary>
    private static string Normalize(string text) =>
        string.Join(' ', text.Normalize(System.Text.NormalizationForm.FormC).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));

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
