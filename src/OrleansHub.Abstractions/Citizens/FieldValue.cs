namespace OrleansHub.Abstractions.Citizens;

/// <summary>
/// A value submitted for one field: <see cref="Text"/> for scalar fields, <see cref="Items"/> for list fields,
/// neither to clear the field.
/// </summary>
[GenerateSerializer, Immutable, Alias("hub.FieldInput")]
public sealed record FieldInput([property: Id(0)] string? Text, [property: Id(1)] IReadOnlyList<string>? Items)
{
    public static readonly FieldInput Clear = new(null, null);

    public static FieldInput Of(string text) => new(text, null);

    public static FieldInput OfItems(params IReadOnlyList<string> items) => new(null, items);

    public bool IsClear => Text is null && Items is null;

    /// <summary>Value equality including list contents (records compare lists by reference).</summary>
    public bool SameValueAs(FieldInput other) =>
        Text == other.Text && (Items is null ? other.Items is null : other.Items is not null && Items.SequenceEqual(other.Items));
}

/// <summary>A stored field: its value, which source wrote it and when (provenance, as Singapore Myinfo shows per attribute).</summary>
[GenerateSerializer, Immutable, Alias("hub.FieldValue")]
public sealed record FieldValue(
    [property: Id(0)] FieldInput Value,
    [property: Id(1)] string Source,
    [property: Id(2)] DateTimeOffset UpdatedAt);
