using System.Text.Json.Nodes;
using OrleansHub.Abstractions.Events;
using OrleansHub.Grains.Events;

namespace OrleansHub.Host.Events;

/// <summary>
/// A JSON Schema (draft 2020-12) for each event type, as agencies receive it: the CloudEvents envelope with the type fixed,
/// and the data, whose <c>changedFields</c> may only name the fields of that kind of change. A changed schema is a new type
/// (the version is part of the type), so a published schema never changes.
/// </summary>
public static class EventSchemas
{
    public const string PathPrefix = "/events/schemas/";

    public static JsonObject For(string type)
    {
        var consent = type == CitizenEventTypes.ConsentRevoked;
        var fields = consent ? null : CitizenEventClassifier.FieldsOf(type);
        JsonNode fieldName = fields is null
            ? new JsonObject { ["type"] = "string", ["pattern"] = "^[a-z][a-zA-Z]*$" }
            : new JsonObject { ["enum"] = new JsonArray([.. fields.Select(f => (JsonNode)f)]) };
        var data = new JsonObject
        {
            ["citizenId"] = CitizenId(),
            ["sequence"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
            ["recordVersion"] = new JsonObject { ["type"] = "integer", ["minimum"] = 0 },
            ["changedFields"] = new JsonObject
            {
                ["description"] = consent ? "The fields the revoked consent covered." : "The fields of this kind that changed (names, never values).",
                ["type"] = "array", ["items"] = fieldName, ["minItems"] = 1, ["uniqueItems"] = true,
            },
        };
        JsonArray required = ["citizenId", "sequence", "recordVersion", "changedFields"];
        if (consent)
        {
            data["consentId"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" };
            data["purpose"] = new JsonObject { ["type"] = "string" };
            required.Add("consentId");
            required.Add("purpose");
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = PathPrefix + type,
            ["title"] = type,
            ["description"] = "A CloudEvents 1.0 event (JSON structured mode) from the OrleansHub registry. Consumers de-duplicate on `id` "
                + "and apply one citizen's events in `sequence` order. The type alone discloses something: only an agency that may see every "
                + "field in `x-orleanshub-requires-fields` receives it (on every channel) or may subscribe to it.",
            ["x-orleanshub-requires-fields"] = new JsonArray([.. (CitizenEventImplications.RequiredFields(type) ?? []).Select(f => (JsonNode)f)]),
            ["type"] = "object",
            ["required"] = new JsonArray("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "sequence", "data"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["specversion"] = new JsonObject { ["const"] = "1.0" },
                ["id"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" },
                ["source"] = new JsonObject { ["const"] = CloudEventResponse.RegistrySource },
                ["type"] = new JsonObject { ["const"] = type },
                ["subject"] = CitizenId(),
                ["time"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
                ["datacontenttype"] = new JsonObject { ["const"] = "application/json" },
                ["sequence"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[1-9][0-9]*$", ["description"] = "The per-citizen sequence number, as a string." },
                ["data"] = new JsonObject { ["type"] = "object", ["required"] = required, ["additionalProperties"] = false, ["properties"] = data },
            },
        };

        static JsonObject CitizenId() => new() { ["type"] = "string", ["pattern"] = "^[0-9]{12}$" };
    }
}
