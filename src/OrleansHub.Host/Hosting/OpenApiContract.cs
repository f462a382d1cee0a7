using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrleansHub.Grains.Citizens;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Hosting;

/// <summary>
/// Completes the OpenAPI document from each endpoint's metadata, in one place: the security scheme each API surface
/// requires, every error status an operation can answer (<see cref="ProblemTable"/>) as <c>application/problem+json</c>
/// with the open <c>ProblemDetails</c> schema, the request and response headers (<see cref="Headers"/>), and typed
/// citizen field values. Endpoints declare only what is theirs (<c>ProducesProblems</c>, <see cref="ApiHeaders"/>).
/// </summary>
public static class OpenApiContract
{
    public const string AgencyKey = "agencyKey";
    public const string OperatorKey = "operatorKey";
    public const string CitizenToken = "citizenToken";
    public const string ProblemMediaType = "application/problem+json";
    private const string ProblemSchema = "ProblemDetails";
    private const string FieldResponseSchema = "FieldResponse";
    private const string CitizenFieldsSchema = "CitizenFields";

    /// <summary>What the document needs to know about one endpoint to decide its errors, headers and security.</summary>
    private sealed record Facts(string? Policy, bool HasParameters, bool HasBody, bool HasPathParameters, ApiHeaders Declared)
    {
        public bool Authenticated => Policy is not null;

        public bool IsAgency => Policy == Roles.AgencyPolicy;

        public bool IsAdmin => Policy is Roles.OperatorPolicy or Roles.RegistryWriterPolicy;
    }

    /// <summary>
    /// The problem statuses each class of operation can answer, beyond those the endpoint declares itself (its own
    /// 402, 404, 409, 410, 412, 422 ...). One row per cause, so a new endpoint is documented by what it is.
    /// </summary>
    private static readonly (string Cause, Func<Facts, bool> Applies, int[] Statuses)[] ProblemTable =
    [
        ("any request: header lines over the limit; the cluster or the database not answering", _ => true, [431, 503]),
        ("a parameter, header or body that is malformed or breaks a rule", f => f.HasParameters || f.HasBody || f.Declared.Request.Count > 0, [400]),
        ("a body: too large, or not JSON", f => f.HasBody, [413, 415]),
        ("a path naming a resource that does not exist (or is another party's)", f => f.HasPathParameters, [404]),
        ("a credential: missing, unknown, revoked or for another API", f => f.Authenticated, [401]),
        ("the operator's API: a credential whose role may not do this", f => f.IsAdmin, [403]),
        ("the agency API: a suspended agency, a purpose or field outside the agreement; a contracted limit reached", f => f.IsAgency, [403, 429]),
        ("If-Match or If-None-Match: the resource is not at the version named", f => f.Declared.Request.Any(h => h is ApiHeaders.IfMatch or ApiHeaders.IfNoneMatch), [412]),
        ("Idempotency-Key: the first request still running; the key reused for another request", f => f.Declared.Request.Contains(ApiHeaders.IdempotencyKey), [409, 422]),
    ];

    /// <summary>Every header the document names: where it goes, its schema and what it means.</summary>
    private static readonly Dictionary<string, (JsonSchemaType Type, string Description, string? Pattern)> Headers = new(StringComparer.Ordinal)
    {
        [ApiHeaders.IfMatch] = (JsonSchemaType.String, "Applies the change only if the resource is still at this version: one strong entity tag such as `\"3\"` (the `ETag` read). Otherwise 412 `version-mismatch` with `currentVersion`.", "^\"[0-9]+\"$"),
        [ApiHeaders.IfNoneMatch] = (JsonSchemaType.String, "`*` only: creates the resource only if it does not exist yet (412 `version-mismatch` otherwise).", "^\\*$"),
        [ApiHeaders.IdempotencyKey] = (JsonSchemaType.String, "Makes a retry safe: within the window the same key with the same request receives the first answer again (not charged twice), marked `Idempotent-Replayed: true`. The same key with another request is 422. 1 to 255 visible ASCII characters (a UUID is a good key).", "^[!-~]{1,255}$"),
        [ApiHeaders.LastEventId] = (JsonSchemaType.String, "The cursor of the last event received; sent by an EventSource when it reconnects. Takes precedence over `after`. Empty is the same as absent.", "^[0-9]*$"),
        [ApiHeaders.ETag] = (JsonSchemaType.String, "The resource's version as a strong entity tag, e.g. `\"3\"`; send it back in `If-Match`.", null),
        [ApiHeaders.Location] = (JsonSchemaType.String, "The address of the resource created.", null),
        [ApiHeaders.RateLimit] = (JsonSchemaType.String, "The agency's remaining quota (draft-ietf-httpapi-ratelimit-headers), e.g. `\"rate\";r=199;t=1`.", null),
        [ApiHeaders.RateLimitPolicy] = (JsonSchemaType.String, "The agency's contracted limits (draft-ietf-httpapi-ratelimit-headers), e.g. `\"rate\";q=200;w=1`.", null),
        [ApiHeaders.RetryAfter] = (JsonSchemaType.Integer, "Seconds to wait before retrying.", null),
        [ApiHeaders.IdempotentReplayed] = (JsonSchemaType.String, "`true` when this is the kept answer to an earlier request with the same `Idempotency-Key`.", null),
    };

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Agency API"] = "The calling agency's own agreement, statements and disputes (agency key).",
        ["Lookups"] = "Fields of citizens for a stated purpose, and yes/no verification (agency key).",
        ["Subscriptions and feed"] = "Change events an agency follows: subscriptions, the feed and its stream (agency key).",
        ["Webhooks"] = "The feed pushed to the agency's endpoint, signed (agency key).",
        ["Citizens"] = "Citizen records (operator, or a data provider for the fields it owns) and a citizen's own access log.",
        ["Cards"] = "ID cards: issue, check, report lost, revoke (operator).",
        ["Agencies"] = "Agencies, their agreements, keys, quotas, credit caps, webhooks and disputes (operator).",
        ["Fees"] = "Fee schedules and monthly statements (operator).",
        ["Events"] = "The registry's change-event log (operator) and the published event schemas (public).",
        ["Consents"] = "A citizen's consents to agencies (citizen token).",
        ["Cluster"] = "The silos of the cluster (operator).",
        ["Development"] = "Development helpers, mapped only in embedded development mode.",
        ["Health"] = "Liveness and readiness probes for the orchestrator (public).",
        ["Problems"] = "What each problem `type` means: the page its URI resolves to (public).",
    };

    public static void Configure(OpenApiOptions options) => options.AddDocumentTransformer((document, context, _) =>
    {
        Complete(document, context);
        return Task.CompletedTask;
    });

    private static void Complete(OpenApiDocument document, OpenApiDocumentTransformerContext context)
    {
        document.Info.Title = "OrleansHub";
        document.Info.Description = "The hub in front of the national population database: the agency API (`/v1`), the operator's and data "
            + "providers' API (`/admin`) and the citizen's API (`/me`). Every error is RFC 9457 `application/problem+json`; its `type` "
            + "resolves to a page under `/problems/`.";
        document.Info.License = new OpenApiLicense { Name = "Proprietary", Url = new Uri("https://example.invalid/orleanshub/license") };
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas[ProblemSchema] = ProblemDetailsSchema();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            [AgencyKey] = Bearer("An agency key (`ohk_<AGENCY>_...`), issued by the operator. The agency API (`/v1`)."),
            [OperatorKey] = Bearer("The registry operator's key, or a data provider's key for the citizen fields it owns (`/admin`)."),
            [CitizenToken] = Bearer("A citizen's token from the national e-ID app (a JWT). The citizen's own API (`/me`).", "JWT"),
        };
        TypeCitizenFields(document, document.Components.Schemas);

        DescribeHealthProbes(document);
        var operations = (document.Paths ?? [])
            .SelectMany(path => path.Value.Operations ?? [])
            .Where(op => op.Value.OperationId is not null)
            .ToDictionary(op => op.Value.OperationId!, op => op.Value, StringComparer.Ordinal);
        foreach (var description in context.DescriptionGroups.SelectMany(g => g.Items))
        {
            var metadata = description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName is { } name && operations.TryGetValue(name, out var operation))
            {
                Complete(document, operation, metadata);
                DocumentEverySuccessShape(document, operation, description);
            }
        }

        var used = operations.Values.SelectMany(o => o.Tags ?? Enumerable.Empty<OpenApiTagReference>()).Select(t => t.Name).OfType<string>().Distinct().Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(tag => new OpenApiTag { Name = tag, Description = TagDescriptions.GetValueOrDefault(tag, tag) }));
    }

    /// <summary>
    /// The probes are health-check endpoints, not route handlers, so the API explorer does not list them: they are
    /// described here. Both answer <c>text/plain</c> (<c>Healthy</c>, or <c>Unhealthy</c> from readiness).
    /// </summary>
    private static void DescribeHealthProbes(OpenApiDocument document)
    {
        var none = new Facts(null, false, false, false, ApiHeaders.Merge([]));
        OpenApiResponse Text(string description) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
        };

        document.Paths ??= [];
        foreach (var (path, id, summary, unhealthy) in new[]
        {
            ("/health/live", "GetLiveness", "Whether the process runs", (string?)null),
            ("/health/ready", "GetReadiness", "Whether the silo has joined its cluster and the database answers", "`Unhealthy`: not ready; send it no traffic"),
        })
        {
            var responses = new OpenApiResponses { ["200"] = Text("`Healthy`"), ["431"] = ProblemResponse(document, 431, none) };
            if (unhealthy is not null)
            {
                responses["503"] = Text(unhealthy);
            }

            document.Paths[path] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Get] = new()
                    {
                        OperationId = id,
                        Summary = summary,
                        Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
                        Security = [],
                        Responses = responses,
                    },
                },
            };
        }
    }

    private static void Complete(OpenApiDocument document, OpenApiOperation operation, IList<object> metadata)
    {
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var policy = anonymous ? null : metadata.OfType<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
        var declared = ApiHeaders.Merge(metadata.OfType<ApiHeaders>());
        var parameters = operation.Parameters ?? [];
        var facts = new Facts(policy, parameters.Count > 0, operation.RequestBody is not null, parameters.Any(p => p.In == ParameterLocation.Path), declared);

        operation.Security = SchemesFor(policy) is { Length: > 0 } schemes
            ? [.. schemes.Select(s => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(s, document)] = [] })]
            : [];

        operation.Parameters ??= [];
        foreach (var header in declared.Request)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header,
                In = ParameterLocation.Header,
                Required = false,
                Description = Headers[header].Description,
                Schema = new OpenApiSchema { Type = Headers[header].Type, Pattern = Headers[header].Pattern },
            });
        }

        operation.Responses ??= [];
        var statuses = operation.Responses.Keys.Select(k => int.Parse(k, CultureInfo.InvariantCulture)).Where(s => s >= 400)
            .Concat(ProblemTable.Where(row => row.Applies(facts)).SelectMany(row => row.Statuses))
            .Distinct().Order();
        foreach (var status in statuses)
        {
            operation.Responses[status.ToString(CultureInfo.InvariantCulture)] = ProblemResponse(document, status, facts);
        }

        foreach (var (key, response) in operation.Responses)
        {
            if (key.StartsWith('2') && response is OpenApiResponse success)
            {
                var names = declared.Response.Concat(facts.IsAgency ? [ApiHeaders.RateLimit, ApiHeaders.RateLimitPolicy] : [])
                    .Concat(key == "201" ? [ApiHeaders.Location] : [])
                    .Concat(declared.Request.Contains(ApiHeaders.IdempotencyKey) ? [ApiHeaders.IdempotentReplayed] : []);
                AddHeaders(success, names);
            }
        }
    }

    /// <summary>
    /// An endpoint that answers one status with several shapes (the operator's and a provider's answer to a PATCH) has
    /// them all documented as <c>oneOf</c>; the generator would keep only the last.
    /// </summary>
    private static void DocumentEverySuccessShape(OpenApiDocument document, OpenApiOperation operation, Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description)
    {
        var produced = description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>();
        foreach (var shapes in produced.Where(r => r.Type is not null && r.Type != typeof(void) && r.StatusCode < 400).GroupBy(r => r.StatusCode))
        {
            var names = shapes.Select(r => r.Type!.Name).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count < 2 || !names.All(n => document.Components?.Schemas?.ContainsKey(n) == true)
                || operation.Responses?.GetValueOrDefault(shapes.Key.ToString(CultureInfo.InvariantCulture)) is not OpenApiResponse { Content: { } content })
            {
                continue;
            }

            foreach (var media in content.Values)
            {
                media.Schema = new OpenApiSchema { OneOf = [.. names.Select(n => (IOpenApiSchema)new OpenApiSchemaReference(n, document))] };
            }
        }
    }

    private static string[] SchemesFor(string? policy) => policy switch
    {
        null => [],
        Roles.AgencyPolicy => [AgencyKey],
        Roles.CitizenPolicy => [CitizenToken],
        _ => [OperatorKey],
    };

    private static OpenApiResponse ProblemResponse(OpenApiDocument document, int status, Facts facts)
    {
        var types = ProblemTypes.All.Where(t => t.Status == status).Select(t => $"`{t.Slug}`");
        var response = new OpenApiResponse
        {
            Description = $"{ReasonPhrase(status)}: problem type {string.Join(", ", types)} (see `/problems/<type>`).",
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                [ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
        var headers = new List<string>();
        if (status is 429 or 503 || (status == 409 && facts.Declared.Request.Contains(ApiHeaders.IdempotencyKey)))
        {
            headers.Add(ApiHeaders.RetryAfter);
        }

        if (facts.IsAgency && status == 429)
        {
            headers.AddRange([ApiHeaders.RateLimit, ApiHeaders.RateLimitPolicy]);
        }

        AddHeaders(response, headers);
        return response;
    }

    private static void AddHeaders(OpenApiResponse response, IEnumerable<string> names)
    {
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
            response.Headers[name] = new OpenApiHeader { Description = Headers[name].Description, Schema = new OpenApiSchema { Type = Headers[name].Type } };
        }
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : status.ToString(CultureInfo.InvariantCulture);

    private static OpenApiSecurityScheme Bearer(string description, string? format = null) =>
        new() { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = format, Description = description };

    /// <summary>RFC 9457 problem details, open to extension members; the ones the hub writes are listed.</summary>
    private static OpenApiSchema ProblemDetailsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem. Branch on `type`; other members may be added in later versions.",
        Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status" },
        AdditionalPropertiesAllowed = true,
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = Text("The problem type, e.g. `/problems/validation-failed`; resolves to a page describing it.", "uri-reference"),
            ["title"] = Text("The problem type's one-line summary."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The HTTP status." },
            ["detail"] = Text("What went wrong with this request."),
            ["instance"] = Text("The request's path."),
            ["traceId"] = Text("The request's trace ID, for the operator's logs."),
            ["auditId"] = Text("The audit-log entry that recorded this refusal (agency API); the citizen sees it in their access log.", "uuid"),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "`validation-failed`, `field-not-owned`, `field-not-in-agreement`: one item per broken rule or refused field.",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string>(StringComparer.Ordinal) { "field", "message" },
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                    {
                        ["field"] = Text("The field, member or parameter concerned."),
                        ["message"] = Text("The rule it broke."),
                    },
                },
            },
            ["currentVersion"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "`version-mismatch`: the version the resource is at now." },
            ["limit"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Integer,
                Description = "`rate-limited`: which limit (`rate`, `daily`, `monthly`); `too-many-waiting-reads`: how many waiting reads an agency may hold.",
            },
            ["cost"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "`rate-limited`: the quota units the request would have cost." },
            ["retryAfterSeconds"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "`rate-limited`: the `Retry-After` seconds." },
            ["rule"] = Text("`fee-schedule-conflict`: the calendar rule the schedule broke."),
            ["oldestCursor"] = Text("`cursor-expired`: the oldest cursor the feed still holds; resume from it."),
            ["latestCursor"] = Text("`cursor-beyond-end`: the newest cursor the feed has committed; a cursor the feed gave is never beyond it."),
        },
    };

    private static OpenApiSchema Text(string description, string? format = null) =>
        new() { Type = JsonSchemaType.String, Description = description, Format = format };

    /// <summary>
    /// A map of citizen fields (<c>FieldResponse</c> values) becomes an object with one typed property per field of the
    /// catalogue: a generated client reads <c>fields.dateOfBirth.value</c> as a date, not as untyped data.
    /// </summary>
    private static void TypeCitizenFields(OpenApiDocument document, IDictionary<string, IOpenApiSchema> schemas)
    {
        var replaced = false;
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            if (schema.Properties?.TryGetValue("fields", out var fields) == true && fields is OpenApiSchema { AdditionalProperties: OpenApiSchemaReference { Reference.Id: FieldResponseSchema } })
            {
                schema.Properties["fields"] = new OpenApiSchemaReference(CitizenFieldsSchema, document);
                replaced = true;
            }
        }

        if (replaced)
        {
            schemas.Remove(FieldResponseSchema);
            schemas[CitizenFieldsSchema] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalPropertiesAllowed = false,
                Description = "Citizen fields by name, each with its value (typed as the field catalogue defines it), who wrote it and when.",
                Properties = FieldCatalog.Fields.Values.OrderBy(f => f.Name, StringComparer.Ordinal)
                    .ToDictionary(f => f.Name, f => (IOpenApiSchema)TypedField(f), StringComparer.Ordinal),
            };
        }
    }

    private static OpenApiSchema TypedField(FieldSpec field) => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string>(StringComparer.Ordinal) { "value", "source", "updatedAt" },
        AdditionalPropertiesAllowed = false,
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["value"] = ValueOf(field),
            ["source"] = Text("Who wrote the value: `registry` or the owning agency's code."),
            ["updatedAt"] = Text("When it was last written.", "date-time"),
        },
    };

    private static OpenApiSchema ValueOf(FieldSpec field)
    {
        var pattern = field.Pattern?.ToString().Replace("\\z", "$", StringComparison.Ordinal);
        return field.Kind switch
        {
            FieldKind.Date => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
            FieldKind.Choice => new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. field.Choices!.Select(c => (JsonNode)JsonValue.Create(c))] },
            FieldKind.PersonalIdRef => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{12}$" },
            FieldKind.Province => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{3}$" },
            FieldKind.Pattern => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern, Description = field.PatternDescription },
            FieldKind.PatternList => new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                MaxItems = field.MaxItems,
                Items = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern, Description = field.PatternDescription },
            },
            _ => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = field.MaxLength > 0 ? field.MaxLength : null },
        };
    }
}

/// <summary>
/// Endpoint metadata: the request headers an endpoint reads and the response headers its successful answers carry, for
/// the OpenAPI document (<see cref="OpenApiContract"/>). Set with <see cref="OpenApiConventions.ReadsHeaders"/> and
/// <see cref="OpenApiConventions.WritesHeaders"/>.
/// </summary>
public sealed record ApiHeaders(IReadOnlyList<string> Request, IReadOnlyList<string> Response)
{
    public const string IfMatch = "If-Match";
    public const string IfNoneMatch = "If-None-Match";
    public const string IdempotencyKey = "Idempotency-Key";
    public const string LastEventId = "Last-Event-ID";
    public const string ETag = "ETag";
    public const string Location = "Location";
    public const string RateLimit = "RateLimit";
    public const string RateLimitPolicy = "RateLimit-Policy";
    public const string RetryAfter = "Retry-After";
    public const string IdempotentReplayed = "Idempotent-Replayed";

    public static ApiHeaders Merge(IEnumerable<ApiHeaders> all)
    {
        var list = all.ToList();
        return new([.. list.SelectMany(h => h.Request).Distinct(StringComparer.Ordinal)], [.. list.SelectMany(h => h.Response).Distinct(StringComparer.Ordinal)]);
    }
}
