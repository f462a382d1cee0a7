using System.Text.Json;
using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Host.Citizens;

/// <summary>Maps citizen fields between JSON and the grain's types: a string, a list of strings, or null to clear.</summary>
public static class FieldJson
{
    /// <summary>Reads <c>{ "field": value, ... }</c>; every member that is not a string, a string list or null is an error.</summary>
    public static (Dictionary<string, FieldInput> Changes, List<FieldError> Errors) ReadChanges(JsonElement body, Func<string, bool>? skip = null)
    {
        var errors = new List<FieldError>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("$", "The body must be a JSON object of field names and values."));
            return (new Dictionary<string, FieldInput>(StringComparer.Ordinal), errors);
        }

        var changes = new Dictionary<string, FieldInput>(body.GetPropertyCount(), StringComparer.Ordinal);

        try
        {
            ReadMembers(body, skip, changes, errors);
        }
        catch (InvalidOperationException)
        {
            // JsonDocument checks that strings are UTF-8 only when they are read: a body with invalid bytes parses, then throws here.
            errors.Clear();
            changes.Clear();
            errors.Add(new("$", "The body holds text that is not valid UTF-8."));
        }

        return (changes, errors);
    }

    private static void ReadMembers(JsonElement body, Func<string, bool>? skip, Dictionary<string, FieldInput> changes, List<FieldError> errors)
    {
        foreach (var member in body.EnumerateObject())
        {
            // JsonProperty.Name decodes a new string on every read: once per member (an import reads ~35 per line).
            var name = member.Name;
            if (skip?.Invoke(name) == true)
            {
                continue;
            }

            if (changes.ContainsKey(name))
            {
                errors.Add(new(name, "The field appears more than once."));
                continue;
            }

            if (ReadValue(member.Value) is { } value)
            {
                changes[name] = value;
            }
            else
            {
                errors.Add(new(name, "Must be a string, a list of strings, or null to clear the field."));
            }
        }
    }

    /// <summary>The JSON form of a stored value: a string, or an array for list fields.</summary>
    public static object? WriteValue(FieldInput value) => (object?)value.Text ?? value.Items;

    private static FieldInput? ReadValue(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return FieldInput.Clear;
            case JsonValueKind.String:
                return FieldInput.Of(value.GetString()!);
            case JsonValueKind.Array:
                var items = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        return null;
                    }

                    items.Add(item.GetString()!);
                }

                return FieldInput.OfItems(items);
            default:
                return null;
        }
    }
}
