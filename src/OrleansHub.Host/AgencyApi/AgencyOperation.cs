using OrleansHub.Abstractions.Citizens;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.AgencyApi;

/// <summary>
/// What the agency API's pipeline needs to know about one endpoint: the operation its audit entries name, what a request
/// costs against the agency's quota, the citizens a request names (so a refusal shows in their access logs), whether a
/// suspended agency may call it and whether it honours <c>Idempotency-Key</c>. Set with the conventions of
/// <see cref="AgencyOperations"/>; every endpoint of the group has one.
/// </summary>
public sealed class AgencyOperation(string name)
{
    /// <summary>Most citizens one refusal names in the audit log (a batch names at most 100).</summary>
    public const int MaxCitizensPerRefusal = 100;

    public string Name { get; } = name;

    public Func<IList<object?>, int>? Cost { get; set; }

    public Func<IList<object?>, HttpContext, IEnumerable<string?>>? Citizens { get; set; }

    public bool AllowsSuspended { get; set; }

    public bool Idempotent { get; set; }

    /// <summary>Quota units the request costs (at least 1).</summary>
    public int CostOf(IList<object?> arguments) => Cost is null ? 1 : Math.Max(1, Cost(arguments));

    /// <summary>The well-formed, distinct citizen IDs the request names, at most <see cref="MaxCitizensPerRefusal"/>.</summary>
    public IReadOnlyList<string> CitizensOf(IList<object?> arguments, HttpContext http)
    {
        if (Citizens is null)
        {
            return [];
        }

        List<string>? ids = null;
        foreach (var candidate in Citizens(arguments, http))
        {
            if (candidate is not null && PersonalId.TryParse(candidate, out var id, out _) && !(ids ??= []).Contains(id.Value.Value))
            {
                ids.Add(id.Value.Value);
                if (ids.Count == MaxCitizensPerRefusal)
                {
                    break;
                }
            }
        }

        return ids ?? (IReadOnlyList<string>)[];
    }

    public static AgencyOperation? Of(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<AgencyOperation>();
}

/// <summary>Conventions an agency API endpoint declares itself with.</summary>
public static class AgencyOperations
{
    /// <summary>Names the operation the endpoint's audit entries and timings carry.</summary>
    public static RouteHandlerBuilder AsAgencyOperation(this RouteHandlerBuilder builder, string name, Action<AgencyOperation>? configure = null)
    {
        var operation = new AgencyOperation(name);
        configure?.Invoke(operation);
        // For the document: an idempotent operation reads Idempotency-Key (and may answer 409 and 422 for it).
        return operation.Idempotent ? builder.WithMetadata(operation).ReadsHeaders(ApiHeaders.IdempotencyKey) : builder.WithMetadata(operation);
    }

    /// <summary>The request costs what <paramref name="cost"/> says of its <typeparamref name="TBody"/> body (default 1).</summary>
    public static AgencyOperation CostsPer<TBody>(this AgencyOperation operation, Func<TBody, int> cost)
    {
        operation.Cost = arguments =>
        {
            foreach (var argument in arguments)
            {
                if (argument is TBody body)
                {
                    return cost(body);
                }
            }

            return 1;
        };
        return operation;
    }

    /// <summary>The citizens a request names, read from its <typeparamref name="TBody"/> body.</summary>
    public static AgencyOperation NamesCitizens<TBody>(this AgencyOperation operation, Func<TBody, IEnumerable<string?>> citizens)
    {
        operation.Citizens = (arguments, _) => arguments.OfType<TBody>().SelectMany(citizens);
        return operation;
    }

    /// <summary>The citizen a request names in its route (<c>{citizenId}</c>).</summary>
    public static AgencyOperation NamesCitizenInRoute(this AgencyOperation operation, string routeValue = "citizenId")
    {
        operation.Citizens = (_, http) => [http.Request.RouteValues[routeValue] as string];
        return operation;
    }
}
