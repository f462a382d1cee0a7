namespace OrleansHub.Host.Problems;

/// <summary>
/// The audit log could not make an entry durable; the answer it covers must not be sent. The exception handler answers
/// <c>503 audit-unavailable</c>.
/// </summary>
public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
