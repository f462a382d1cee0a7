using System.Text.RegularExpressions;

namespace OrleansHub.Host.Telemetry;

/// <summary>
/// The last line of defence for personal data in logs: wraps the console provider and replaces every run of exactly 12
/// digits (a citizen's personal ID number) in an entry's message, its structured values and its exception text with
/// <see cref="Placeholder"/>. Our own log calls never pass an ID; this catches the framework's, such as an Orleans warning
/// naming a grain (<c>citizen/001090001234</c>) when a call to it times out or fails.
/// </summary>
public sealed partial class RedactingLoggerProvider(ILoggerProvider inner) : ILoggerProvider, ISupportExternalScope
{
    public const string Placeholder = "[citizen-id]";

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(scopeProvider);
        }
    }

    public void Dispose() => inner.Dispose();

    /// <summary><paramref name="text"/> with every 12-digit run replaced; the same instance when there is none.</summary>
    public static string Redact(string text) => CitizenId().IsMatch(text) ? CitizenId().Replace(text, Placeholder) : text;

    // Exactly 12 digits: not part of a longer number (ticks, card numbers are letters-and-digits, ports are shorter).
    [GeneratedRegex(@"(?<![0-9])[0-9]{12}(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex CitizenId();

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
            if (!CitizenId().IsMatch(message) && (exceptionText is null || !CitizenId().IsMatch(exceptionText))
                && !values.Any(v => v.Value is not null && CitizenId().IsMatch(Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }

            IReadOnlyList<KeyValuePair<string, object?>> redacted =
                [.. values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value is null ? null : Redact(Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")))];
            var redactedMessage = Redact(message);
            inner.Log(logLevel, eventId, redacted, exceptionText is null ? null : new RedactedException(exception!, Redact(exceptionText)), (_, _) => redactedMessage);
        }
    }

    /// <summary>Stands in for an exception whose text named a citizen: same type name in the text, IDs replaced.</summary>
    private sealed class RedactedException(Exception original, string text) : Exception(Redact(original.Message))
    {
        public override string ToString() => text;

        public override string? StackTrace => null;
    }
}
