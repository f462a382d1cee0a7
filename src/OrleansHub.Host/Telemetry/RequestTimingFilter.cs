using System.Diagnostics;
using OrleansHub.Host.Lookups;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Telemetry;

/// <summary>Records <c>hub.request.duration</c> for every endpoint that names its <see cref="AuditedOperation"/>.</summary>
public static class RequestTimingFilter
{
    public static TBuilder WithRequestTiming<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.GetEndpoint()?.Metadata.GetMetadata<AuditedOperation>() is not { } operation)
            {
                return await next(context);
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                return await next(context);
            }
            finally
            {
                http.RequestServices.GetRequiredService<HubInstruments>()
                    .RequestTimed(operation.Name, http.User.FindFirst(HubClaims.Agency)?.Value, started);
            }
        });
}
