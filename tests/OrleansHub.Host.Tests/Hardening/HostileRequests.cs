using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>One bad request: enough to send it again and to name it in a failure message.</summary>
public sealed record HostileRequest(
    string Family,
    string Description,
    string Method,
    string PathAndQuery,
    byte[]? Body,
    string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool OmitAuthorization = false,
    bool ExpectContinue = false,
    string? RawHeaders = null,
    bool Framing = false)
{
    /// <summary>
    /// Kestrel refuses a NUL in the path and broken framing (bare CR, NUL or folded header lines, conflicting lengths) while
    /// parsing, before any application code runs, with a bare 400. That is the one answer the suite accepts without problem+json.
    /// </summary>
    public bool RefusedByKestrel => Framing || PathAndQuery.Split('?')[0].Contains("%00", StringComparison.OrdinalIgnoreCase);

    public override string ToString()
    {
        var body = Body is null ? "no body"
            : Body.Length > 300 ? $"{Body.Length} bytes starting {Printable(Body.AsSpan(0, 120))}"
            : Printable(Body);
        var headers = string.Join("; ", Headers.Select(h => $"{h.Key}: {Shorten(h.Value)}"));
        var raw = RawHeaders is null ? "" : $"raw header lines {Printable(Encoding.Latin1.GetBytes(RawHeaders))} ";
        return $"[{Family}] {Description}: {Method} {Shorten(PathAndQuery)} content-type={ContentType ?? "(none)"} {raw}"
            + $"{(OmitAuthorization ? "no credentials " : "")}headers=[{headers}] body={body}";
    }

    private static string Shorten(string s) => s.Length > 200 ? $"{s[..200]}…({s.Length} chars)" : s;

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : $"\\x{b:X2}");
        }

        return Shorten(text.ToString());
    }
}

/// <summary>
/// Generates hostile requests for one operation from its OpenAPI description. Every request is invalid by construction
/// (a wrong type, a missing required member, an unknown member, a malformed ID, a bad credential...), so any 2xx is a
/// bug. Fixed families run once; the randomized ones run <c>scale</c> times with values drawn from <paramref name="random"/>,
/// so a seed reproduces a run exactly.
/// </summary>
public sealed class HostileRequests(Random random, int scale)
{
    /// <summary>Strings no identifier, code, date or enum member of the hub accepts.</summary>
    private static readonly string[] Poison =
    [
        "' OR '1'='1", "1; DROP TABLE citizens; --", "\" OR \"\"=\"", "admin'--", "1 UNION SELECT password FROM keys",
        "x\r\nSet-Cookie: hub=1", "x\r\n\r\n<html>", "../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2f",
        "\u0000", "a\u0000b", "\u0007\u0008\u001b[2J", "\u202Eevil", "\uFEFF", "\uD800", "${jndi:ldap://x/a}", "{{7*7}}",
        "<script>alert(1)</script>", "", " ", "\t", "０１２３", "𝟘𝟙𝟚", "null", "true", "NaN", "-0", "1e400",
    ];

    /// <summary>The poison without the bare words (<c>null</c>, <c>-0</c>, <c>1e400</c>) that are well-formed codes (a purpose may be <c>null</c>).</summary>
    private static readonly string[] NotACode = Poison.Where(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')).ToArray();

    /// <summary>Path segments no route parameter accepts (already percent-encoded where a client would have to).</summary>
    private static readonly string[] PathPoison =
    [
        "..%2F..%2Fetc%2Fpasswd", "%2E%2E%2F%2E%2E%2F", "..%5C..%5Cwin.ini", "%00", "GDT%00", "%FF%FE", "%C0%AE%C0%AE",
        "%27%20OR%20%271%27%3D%271", "1%3BDROP%20TABLE%20citizens", "%0D%0ASet-Cookie%3A%20a%3Db", "%EF%BC%90%EF%BC%91",
        "%20", "%E2%80%AE", "%7B%7B7*7%7D%7D", "%3Cscript%3E", "-1", "99999999999999999999999", "1.5", "0x10",
    ];

    private static readonly string[] NumberPoison =
    [
        "2147483648", "-2147483649", "9223372036854775808", "-9223372036854775809", "1.5", "1e400", "-1", "\"1\"", "true",
        "[]", "{}", "0.0000001", "1E+30",
    ];

    private static readonly string[] QueryPoison =
    [
        "abc", "-1", "1.5", "99999999999999999999", "0x10", "%00", "%FF", "%27%20OR%201%3D1--", "..%2F..%2F", "NaN",
        "%0D%0Ax", "1e3",
    ];

    /// <summary>Members whose rules admit ordinary punctuation, so SQL-looking text is a valid value there (stored, never executed).</summary>
    private static readonly string[] FreeText = ["comment", "purposeText", "name", "issuedBy"];

    /// <summary>Query values that are valid cursors or dates (<c>1.5</c> is an event-log cursor), so not hostile for strings.</summary>
    private static readonly string[] ValidForStrings = ["1.5", "1e3"];

    public IEnumerable<HostileRequest> For(HostileOperation op)
    {
        var requests = new List<HostileRequest>();
        requests.AddRange(PathMutations(op));
        requests.AddRange(QueryMutations(op));
        requests.AddRange(HeaderMutations(op));
        requests.AddRange(CredentialMutations(op));
        requests.AddRange(ProtocolMutations(op));
        if (op.BodyMediaType == "application/json")
        {
            requests.AddRange(BodyMutations(op));
        }

        if (op.BodyMediaType is not null)
        {
            requests.AddRange(ContentTypeMutations(op));
        }

        return requests;
    }

    // --- path and query ---------------------------------------------------------------------------------------------

    private IEnumerable<HostileRequest> PathMutations(HostileOperation op)
    {
        foreach (var p in op.Parameters.Where(p => p.In == "path"))
        {
            var values = PathPoison.Concat(Enumerable.Range(0, scale).Select(_ => RandomPathSegment())).ToList();
            values.Add(new string('9', 5000));
            foreach (var value in values)
            {
                yield return Request(op, "path", $"{p.Name}={Cut(value)}", Path(op, p.Name, value));
            }
        }
    }

    private IEnumerable<HostileRequest> QueryMutations(HostileOperation op)
    {
        foreach (var p in op.Parameters.Where(p => p.In == "query"))
        {
            var values = p.Type == "integer" ? QueryPoison.ToList()
                : QueryPoison.Where(v => !v.All(char.IsAsciiLetterOrDigit) && !ValidForStrings.Contains(v)).ToList();
            values.AddRange(Enumerable.Range(0, scale).Select(_ => RandomPathSegment()));
            foreach (var value in values)
            {
                yield return Request(op, "query", $"{p.Name}={Cut(value)}", $"{Path(op)}?{p.Name}={value}");
            }

            // Two values for one parameter: ambiguous, so refused rather than one silently chosen.
            yield return Request(op, "query-duplicate", $"{p.Name} twice", $"{Path(op)}?{p.Name}={ValidQuery(p)}&{p.Name}={ValidQuery(p)}");
        }
    }

    // --- credentials, method, headers -------------------------------------------------------------------------------

    /// <summary>
    /// Header parameters the document declares (If-Match, Idempotency-Key, Last-Event-ID ...): each gets the poison strings
    /// its documented pattern refuses. An opaque key may be any visible text, so <c>admin'--</c> is a good Idempotency-Key;
    /// an empty (or blank, which HTTP trims) optional header is the same as none.
    /// </summary>
    private IEnumerable<HostileRequest> HeaderMutations(HostileOperation op)
    {
        foreach (var p in op.Parameters.Where(p => p.In == "header"))
        {
            var accepted = p.Pattern is null ? null : new System.Text.RegularExpressions.Regex(p.Pattern);
            foreach (var value in Poison.Where(v => !v.Any(char.IsControl) && v.All(c => c < 0x7f)).Append(new string('A', 4096))
                .Where(v => v.Trim().Length > 0 && accepted?.IsMatch(v.Trim()) != true))
            {
                yield return Request(op, "header", $"{p.Name}: {Cut(value)}", Path(op), ValidBody(op), headers: [new(p.Name, value)]);
            }
        }
    }

    private IEnumerable<HostileRequest> CredentialMutations(HostileOperation op)
    {
        if (op.Role == HostileRole.Anonymous)
        {
            yield break;
        }

        var body = ValidBody(op);
        yield return Request(op, "auth", "no Authorization", Path(op), body) with { OmitAuthorization = true };
        foreach (var authorization in new[]
                 {
                     "Bearer wrong-key", "Basic ZGV2LW9wZXJhdG9yLWtleTo=", "Bearer ", "Bearer", "bearer dev-operator-key-x",
                     "Bearer ohk_GDT_dev_x' OR '1'='1", "Bearer ohk_GDT_dev_" + new string('A', 8000), "Bearer ohk_GDT_../../x_y",
                     "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIwMDEwOTAwMDEyMzQifQ.", "Bearer dev-operator-key dev-operator-key",
                     "Bearer ohk_ZZZ_dev_gdt-embedded-demo-key", "Negotiate abc",
                 })
        {
            yield return Request(op, "auth", $"Authorization: {Cut(authorization)}", Path(op), body,
                headers: [new("Authorization", authorization)]) with { OmitAuthorization = true };
        }

        // Another role's valid credential: it authenticates somewhere, just not here.
        foreach (var other in new[] { HostileSuite.OperatorKey, HostileSuite.AgencyKey, HostileSuite.ProviderKey }.Where(k => k != HostileSuite.KeyFor(op.Role)))
        {
            if (op.Role == HostileRole.Operator && other == HostileSuite.ProviderKey)
            {
                continue; // data providers legitimately PATCH citizens through /admin: the authorization matrix covers it
            }

            yield return Request(op, "auth-role", $"key of another role ({other[..Math.Min(10, other.Length)]}…)", Path(op), body,
                headers: [new("Authorization", "Bearer " + other)]) with { OmitAuthorization = true };
        }
    }

    private IEnumerable<HostileRequest> ProtocolMutations(HostileOperation op)
    {
        // A method the route does not take: 405 from routing, or 404 where no route on the path takes it.
        foreach (var method in new[] { "PROPFIND", "TRACE", "CONNECT2" })
        {
            yield return Request(op, "method", method, Path(op), method: method);
        }

        // Written raw: HttpClient will not send these. Kestrel refuses the framing ones itself (bare 400).
        var raw = ValidBody(op);
        foreach (var (label, lines, framing) in new[]
                 {
                     ("bare CR in a header value", "X-Hostile: a\rb\r\n", true),
                     ("NUL in a header value", "X-Hostile: a\0b\r\n", true),
                     ("folded header line", "X-Hostile: a\r\n b\r\n", true),
                     ("header name with a space", "X Hostile: a\r\n", true),
                     ("two different Content-Length", $"Content-Length: {raw?.Length ?? 0}\r\nContent-Length: {(raw?.Length ?? 0) + 1}\r\n", true),
                     ("a second, wrong Authorization", "Authorization: Bearer wrong-key\r\n", false),
                 })
        {
            if (label.Contains("Authorization", StringComparison.Ordinal) && op.Role == HostileRole.Anonymous)
            {
                continue; // a public operation ignores credentials, good or bad
            }

            yield return Request(op, "raw", label, Path(op), raw) with { RawHeaders = lines, Framing = framing };
        }

        if (op.BodyMediaType is not null)
        {
            yield return Request(op, "raw", "two Content-Type headers", Path(op), raw) with { RawHeaders = "Content-Type: text/plain\r\n" };
        }

        // Headers past the server's total header limit.
        yield return Request(op, "header-size", "64 KB header", Path(op), ValidBody(op), headers: [new("X-Pad", new string('a', 64 * 1024))]);
    }

    // --- bodies -----------------------------------------------------------------------------------------------------

    private IEnumerable<HostileRequest> ContentTypeMutations(HostileOperation op)
    {
        var body = ValidBody(op) ?? Encoding.UTF8.GetBytes("{}");
        foreach (var contentType in new[]
                 {
                     "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                     "application/jsonx", "text/html; charset=utf-8", "image/png",
                 })
        {
            yield return Request(op, "content-type", contentType, Path(op), body, contentType);
        }

        yield return Request(op, "content-type", "no Content-Type", Path(op), body, contentType: "");

        // The right media type with parameters the hub must refuse: a charset other than UTF-8, unknown, empty, quoted,
        // repeated, in capitals (a 500 once: the JSON reader threw on a charset it could not decode).
        var mediaType = op.BodyMediaType!;
        foreach (var parameters in new[]
                 {
                     "; charset=utf-7", "; charset=utf-16", "; charset=iso-8859-1", "; charset=x-no-such-charset", "; charset=\"utf-7\"",
                     "; CHARSET=UTF-7", "; charset=", "; charset=utf-8; charset=utf-32", ";charset=utf-7;q=1",
                 })
        {
            yield return Request(op, "content-type", mediaType + parameters, Path(op), body, mediaType + parameters);
        }
    }

    private IEnumerable<HostileRequest> BodyMutations(HostileOperation op)
    {
        var path = Path(op);
        var schema = op.BodySchema;
        var valid = ValidBodyNode(op);
        var properties = schema?["properties"]?.AsObject().Select(p => (p.Key, Schema: HostileOperations.Resolve(p.Value?.AsObject(), HostileSuite.Schemas)))
            .ToList() ?? [];
        var required = schema?["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];

        foreach (var raw in new[]
                 {
                     "", "null", "[]", "\"text\"", "42", "true", "{", "}", "{\"a\":}", "{} x", "/*c*/{}", "{'a':1}", "NaN", "[{}]",
                     "{\"a\":1,}", "\u0000", "{\"\\u0000\":1}",
                 })
        {
            yield return Json(op, "body-shape", Cut(raw), path, raw);
        }

        if (valid is JsonObject)
        {
            foreach (var (name, property) in properties)
            {
                foreach (var (label, value) in WrongTypes(property))
                {
                    yield return Json(op, "wrong-type", $"{name}={label}", path, With(valid, name, value));
                }

                if (required.Contains(name))
                {
                    var missing = valid.DeepClone().AsObject();
                    missing.Remove(name);
                    yield return Json(op, "missing", name, path, missing.ToJsonString());
                    if (!HostileOperations.IsNullable(property))
                    {
                        yield return Json(op, "null", name, path, With(valid, name, "null"));
                    }
                }

                if (HostileOperations.TypeOf(property) is "integer" or "number")
                {
                    var int64 = property?["format"]?.GetValue<string>() == "int64";
                    foreach (var number in NumberPoison.Where(n => !int64 || n is not ("2147483648" or "1E+30")))
                    {
                        yield return Json(op, "number", $"{name}={number}", path, With(valid, name, number));
                    }
                }

                if (HostileOperations.TypeOf(property) == "string" && !FreeText.Contains(name))
                {
                    foreach (var poison in Poison.Concat(Enumerable.Range(0, scale).Select(_ => RandomString())))
                    {
                        yield return Json(op, "string", $"{name}={Cut(poison)}", path, With(valid, name, JsonValue.Create(poison)!.ToJsonString()));
                    }

                    yield return Json(op, "string", $"{name}=100k chars", path, With(valid, name, $"\"{new string('A', 100_000)}\""));
                }

                if (HostileOperations.TypeOf(property) == "array")
                {
                    yield return Json(op, "array", $"{name} holds a number", path, With(valid, name, "[123]"));
                    yield return Json(op, "array", $"{name} holds null", path, With(valid, name, "[null]"));
                    yield return Json(op, "array", $"{name} holds poison", path, With(valid, name, JsonArrayOf(Pick(NotACode))));
                    yield return Json(op, "array", $"{name} has 20000 poison items", path,
                        With(valid, name, "[" + string.Join(',', Enumerable.Repeat("\"'--\"", 20_000)) + "]"));
                }

                if (HostileOperations.TypeOf(property) == "object")
                {
                    yield return Json(op, "object", $"{name} holds a poison key", path, With(valid, name, $"{{{JsonValue.Create(Pick(Poison))!.ToJsonString()}:\"x\"}}"));
                }
            }

            foreach (var extra in new[] { "unexpected", "__proto__", "$type", "constructor", "Fields", "" }.Concat(Enumerable.Range(0, scale).Select(_ => RandomString())))
            {
                if (properties.Any(p => p.Key == extra))
                {
                    continue;
                }

                var withExtra = valid.DeepClone().AsObject();
                withExtra[extra] = 1;
                yield return Json(op, "extra", $"member {Cut(extra)}", path, withExtra.ToJsonString());
            }

            if (properties.Count > 0)
            {
                var first = properties[0].Key;
                var json = valid.ToJsonString();
                var member = valid[first]?.ToJsonString() ?? "null";
                yield return Json(op, "duplicate", $"{first} twice", path, $"{{\"{first}\":{member},{json[1..]}");
                // Names match case-insensitively, so the same member in another case is a duplicate, not a second member.
                yield return Json(op, "duplicate", $"{first} twice, in two cases", path, $"{{\"{first.ToUpperInvariant()}\":{member},{json[1..]}");
            }
        }

        // Randomized: garbage bytes, the valid body cut short, and one to three invalid changes at once.
        var validJson = valid?.ToJsonString() ?? "{}";
        for (var i = 0; i < scale; i++)
        {
            var garbage = new byte[random.Next(1, 2048)];
            random.NextBytes(garbage);
            yield return Request(op, "random-bytes", $"{garbage.Length} random bytes", path, garbage, "application/json");
            if (validJson.Length > 2)
            {
                var cut = random.Next(1, validJson.Length - 1);
                yield return Json(op, "truncated", $"valid body cut at {cut}", path, validJson[..cut]);
            }

            if (valid is JsonObject && properties.Count > 0)
            {
                yield return Json(op, "combined", "several invalid changes", path, Combined(valid.AsObject(), properties, required));
            }
        }

        // Nesting past any sane depth, inside the object and as the whole body.
        foreach (var depth in new[] { 65, 1000, 100_000 })
        {
            var nested = new string('[', depth) + new string(']', depth);
            var host = properties.Count > 0 ? properties[0].Key : "a";
            yield return Json(op, "depth", $"{host} nested {depth} deep", path, With(valid as JsonObject ?? [], host, nested));
            yield return Json(op, "depth", $"body nested {depth} deep", path, nested);
        }

        yield return Json(op, "depth", "objects nested 5000 deep", path, string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000));

        // Bytes that are not UTF-8 inside a string, and an overlong encoding of '/'.
        foreach (var bytes in new[] { new byte[] { 0xFF, 0xFE }, [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80] })
        {
            var name = properties.Count > 0 ? properties[0].Key : "a";
            var body = Encoding.UTF8.GetBytes($"{{\"{name}\":\"").Concat(bytes).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
            yield return Request(op, "utf8", $"{name} holds bytes {Convert.ToHexString(bytes)}", path, body, "application/json");
        }

        // Ten megabytes, over the body limit (it must be refused without being buffered).
        var large = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('A', 10 * 1024 * 1024) + "\"}");
        // Sent with Expect: 100-continue, as a well-behaved client sends a large body, so the refusal arrives before the upload.
        yield return Request(op, "size", "10 MB body", path, large, "application/json") with { ExpectContinue = true };
    }

    // --- building blocks --------------------------------------------------------------------------------------------

    /// <summary>The valid body with one to three changes, each of which alone makes it invalid.</summary>
    private string Combined(JsonObject valid, List<(string Key, JsonObject? Schema)> properties, HashSet<string> required)
    {
        var body = valid.DeepClone().AsObject();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var (name, schema) = properties[random.Next(properties.Count)];
            var wrong = WrongTypes(schema).ToArray();
            switch (random.Next(4))
            {
                case 0 when required.Contains(name):
                    body.Remove(name);
                    break;
                case 1 when HostileOperations.TypeOf(schema) == "string" && !FreeText.Contains(name):
                    body[name] = RandomString();
                    break;
                case 2 when wrong.Length > 0:
                    body[name] = JsonNode.Parse(wrong[random.Next(wrong.Length)].Json);
                    break;
                default:
                    body["x" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture)] = RandomString();
                    break;
            }
        }

        return body.ToJsonString();
    }

    private static IEnumerable<(string Label, string Json)> WrongTypes(JsonObject? property)
    {
        var type = HostileOperations.TypeOf(property);
        var candidates = new (string Type, string Label, string Json)[]
        {
            ("string", "number", "12345"), ("string", "object", "{}"), ("string", "array", "[\"x\"]"), ("string", "bool", "false"),
            ("integer", "string", "\"12\""), ("integer", "object", "{}"), ("integer", "bool", "true"),
            ("number", "string", "\"12\""), ("boolean", "string", "\"true\""), ("boolean", "number", "1"),
            ("array", "string", "\"fullName\""), ("array", "object", "{}"), ("array", "number", "1"),
            ("object", "array", "[]"), ("object", "string", "\"x\""), ("object", "number", "1"),
        };
        return candidates.Where(c => c.Type == type).Select(c => (c.Label, c.Json));
    }

    private static string With(JsonNode? valid, string name, string valueJson)
    {
        // Spliced as text: some values (1e400, nesting 100 000 deep) cannot be held by a JsonNode.
        var obj = (valid as JsonObject)?.DeepClone().AsObject() ?? [];
        obj.Remove(name);
        var rest = obj.ToJsonString();
        var member = $"{JsonValue.Create(name)!.ToJsonString()}:{valueJson}";
        return rest == "{}" ? $"{{{member}}}" : $"{{{member},{rest[1..]}";
    }

    private HostileRequest Json(HostileOperation op, string family, string description, string path, string json) =>
        Request(op, family, description, path, Encoding.UTF8.GetBytes(json), "application/json");

    private static HostileRequest Request(HostileOperation op, string family, string description, string pathAndQuery,
        byte[]? body = null, string? contentType = null, IReadOnlyList<KeyValuePair<string, string>>? headers = null, string? method = null) =>
        new(family, description, method ?? op.Method, pathAndQuery, body,
            body is null ? null : contentType ?? op.BodyMediaType, headers ?? []);

    private static byte[]? ValidBody(HostileOperation op) => op.BodyMediaType switch
    {
        null => null,
        "application/json" => Encoding.UTF8.GetBytes(ValidBodyNode(op)?.ToJsonString() ?? "{}"),
        "text/csv" => Encoding.UTF8.GetBytes("id,fullName\n"),
        _ => Encoding.UTF8.GetBytes("{}\n"),
    };

    /// <summary>A body the operation would accept: the document's example, or one built from the schema.</summary>
    public static JsonNode? ValidBodyNode(HostileOperation op) => op.BodyExample?.DeepClone() ?? Sample(op.BodySchema, null, 0);

    private static JsonNode? Sample(JsonObject? schema, string? name, int depth)
    {
        if (schema is null || depth > 4)
        {
            return null;
        }

        if (schema["enum"] is JsonArray values && values.Count > 0)
        {
            return values[0]!.DeepClone();
        }

        switch (HostileOperations.TypeOf(schema))
        {
            case "object":
                var obj = new JsonObject();
                foreach (var (key, value) in schema["properties"]?.AsObject() ?? [])
                {
                    obj[key] = Sample(HostileOperations.Resolve(value?.AsObject(), HostileSuite.Schemas), key, depth + 1);
                }

                if (schema["properties"] is null && schema["additionalProperties"] is JsonObject)
                {
                    obj["lookup"] = 100;
                }

                return obj;
            case "array":
                var item = Sample(HostileOperations.Resolve(schema["items"]?.AsObject(), HostileSuite.Schemas), name, depth + 1);
                return new JsonArray(item);
            case "integer":
            case "number":
                return name switch { "retentionDays" => 30, _ => 1 };
            case "boolean":
                return true;
            default:
                return schema["format"]?.GetValue<string>() switch
                {
                    "date" => "2031-01-01",
                    "date-time" => "2031-01-01T00:00:00Z",
                    _ => SampleString(name),
                };
        }
    }

    private static string SampleString(string? name) => name switch
    {
        "citizenId" or "citizenIds" or "id" => "001090001234",
        "agencyCode" or "code" => "GDT",
        "purpose" or "purposes" => "tax-registration",
        "fields" => "fullName",
        "eventTypes" or "eventType" => "vn.orleanshub.citizen.death-recorded.v1",
        "reason" => "administrative",
        "name" => "Hostile Input Agency",
        "issuedBy" => "Cục Cảnh sát QLHC về TTXH",
        _ => "x",
    };

    private static string Path(HostileOperation op, string? replaced = null, string? value = null)
    {
        var path = op.PathTemplate;
        foreach (var p in op.Parameters.Where(p => p.In == "path"))
        {
            path = path.Replace("{" + p.Name + "}", p.Name == replaced ? value : ValidPath(p), StringComparison.Ordinal);
        }

        return path;
    }

    private static string ValidPath(HostileParameter p) => p.Name switch
    {
        "month" => DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        "keyId" => "dev",
        "number" => "001090001234",
        "consentId" or "entryId" => "0193a1b2-0000-7000-8000-000000000001",
        _ when p.Type == "integer" => "1",
        _ => Uri.EscapeDataString(SampleString(p.Name)),
    };

    private static string ValidQuery(HostileParameter p) => p.Type == "integer" ? "1" : "x";

    private string RandomPathSegment()
    {
        // Percent-encoded random bytes: anything from control characters to invalid UTF-8.
        var length = random.Next(1, 40);
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"%{random.Next(256):X2}");
        }

        return Pick(NotACode.Where(p => p.Length > 0).Select(Uri.EscapeDataString).ToArray()) + text;
    }

    /// <summary>Poison, then random characters; it always holds one character no code, ID or date admits.</summary>
    private string RandomString()
    {
        var length = random.Next(1, 64);
        var text = new StringBuilder(Pick(NotACode)).Append(Pick(['\'', '"', ';', '<', '\0', ' ', '\u00A0']));
        for (var i = 0; i < length; i++)
        {
            text.Append((char)(random.Next(4) switch { 0 => random.Next(0, 32), 1 => random.Next(32, 127), 2 => random.Next(0x80, 0x800), _ => random.Next(0x3000, 0xD7FF) }));
        }

        return text.ToString();
    }

    private string JsonArrayOf(string value) => $"[{JsonValue.Create(value)!.ToJsonString()}]";

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];

    private static string Cut(string s) => s.Length > 40 ? $"{s[..40]}…({s.Length})" : s;
}
