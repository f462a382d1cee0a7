namespace OrleansHub.Host.Telemetry;

/// <summary>
/// The last line of defence for personal data in logs: wraps the console provider and applies
/// <see cref="CitizenIdRedaction"/> to an entry's message, its structured values and its exception text. Our own log
/// calls never pass an ID; this catches the framework's, such as an Orleans warning
/// naming a grain (<c>citizen/001090001234</c>) when a call to it times out or fails.
/// </summary>
public sealed class RedactingLoggerProvider(ILoggerProvider inner) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(scopeProvider);
        }
    }

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            var exceptionText = exception?.ToString();
            if (!CitizenIdRedaction.Finds(message) && (exceptionText is null || !CitizenIdRedaction.Finds(exceptionText))
                && !values.Any(v => v.Value is not null && CitizenIdRedaction.Finds(Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")))
            {
                inner.Log(logLevel, eventId, state, exception, (_, _) => message); // formatted once, above
                return;
            }

            IReadOnlyList<KeyValuePair<string, object?>> redacted =
                [.. values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value is null ? null : CitizenIdRedaction.Redact(Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")))];
            var redactedMessage = CitizenIdRedaction.Redact(message);
            inner.Log(logLevel, eventId, redacted, exceptionText is null ? null : new RedactedException(exception!, CitizenIdRedaction.Redact(exceptionText)), (_, _) => redactedMessage);
        }
    }

    /// <summary>Stands in for an exception whose text named a citizen: same type name in the text, IDs replaced.</summary>
    private sealed class RedactedException(Exception original, string text) : Exception(CitizenIdRedaction.Redact(original.Message))
    {
        public override string ToString() => text;

        public override string? StackTrace => null;
    }
}
