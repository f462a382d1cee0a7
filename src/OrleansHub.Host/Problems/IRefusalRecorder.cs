namespace OrleansHub.Host.Problems;

/// <summary>
/// Where an API whose refusals must be recorded (the agency API) records those the framework makes before an endpoint read
/// the request: a body that cannot be read, a content type or method the endpoint does not take. The exception handler
/// and the status-code pages call it; the API decides whether the request is one of its own.
/// </summary>
public interface IRefusalRecorder
{
    /// <summary>
    /// Records <paramref name="refusal"/> when the request belongs to the API. Returns the answer to give (the refusal, or
    /// <c>audit-unavailable</c> when it could not be recorded) and the record's ID when one was written.
    /// </summary>
    ValueTask<(ProblemType Answer, Guid? RecordId)> RecordAsync(HttpContext http, ProblemType refusal);
}
