using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansHub.Host.Hosting;

/// <summary>Endpoint conventions that complete the OpenAPI document: the error responses and request examples.</summary>
public static class OpenApiConventions
{
    // Members left at their default (null, false) are omitted: the API reads an omitted member the same way.
    private static readonly JsonSerializerOptions ExampleJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    };

    /// <summary>Declares an <c>application/problem+json</c> response for each status the endpoint can answer with.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }

    /// <summary>Documents the request headers the endpoint reads (<see cref="ApiHeaders"/> names them).</summary>
    public static TBuilder ReadsHeaders<TBuilder>(this TBuilder builder, params string[] headers)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ApiHeaders(headers, []));

    /// <summary>Documents the response headers the endpoint's successful answers carry.</summary>
    public static TBuilder WritesHeaders<TBuilder>(this TBuilder builder, params string[] headers)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ApiHeaders([], headers));

    /// <summary>Shows <paramref name="example"/> (serialized as the API reads it: camelCase) as the JSON request body's example.</summary>
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, object example)
    {
        var json = JsonSerializer.SerializeToNode(example, ExampleJson);
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true)
            {
                media.Example = json?.DeepClone();
            }

            return Task.CompletedTask;
        });
    }
}
