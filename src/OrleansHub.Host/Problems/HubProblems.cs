using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Citizens;

namespace OrleansHub.Host.Problems;

/// <summary>Builds problem+json results for the expected failures endpoints return.</summary>
public static class HubProblems
{
    public static ProblemHttpResult Of(ProblemType type, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail ?? type.Description, statusCode: type.Status, title: type.Title, type: type.Uri, extensions: extensions);

    /// <summary>A 400 listing every broken rule, each as <c>{ field, message }</c>.</summary>
    public static ProblemHttpResult Validation(IReadOnlyList<FieldError> errors) =>
        Of(ProblemTypes.ValidationFailed, $"{errors.Count} validation rule(s) broken.", ErrorList(errors));

    /// <summary>The <c>errors</c> extension member: one <c>{ field, message }</c> per problem.</summary>
    public static Dictionary<string, object?> ErrorList(IReadOnlyList<FieldError> errors) => new()
    {
        ["errors"] = errors.ToArray(),
    };

    public static ProblemHttpResult Validation(string field, string message) => Validation([new FieldError(field, message)]);
}
