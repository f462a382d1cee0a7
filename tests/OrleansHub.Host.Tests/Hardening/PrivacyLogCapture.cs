using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>
/// Keeps every log entry as the production JSON console would write it: the message, the exception with its stack, the
/// structured properties and every scope (request, trace). Nothing is dropped or shortened, so a scan of it sees all.
/// </summary>
public sealed class PrivacyLogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(PrivacyLogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
            Append(entry, state);
            capture._scopes.ForEachScope((scope, line) => Append(line.Append(" scope:"), scope), entry);
            if (exception is not null)
            {
                entry.Append(' ').Append(exception);
            }

            capture._entries.Enqueue(entry.ToString());
        }

        private static void Append(StringBuilder entry, object? state)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                foreach (var (key, value) in properties)
                {
                    entry.Append(CultureInfo.InvariantCulture, $" {key}={value}");
                }
            }
            else
            {
                entry.Append(' ').Append(state);
            }
        }
    }
}

/// <summary>
/// The embedded hub on Kestrel with every log category turned up to Trace in configuration (what an operator chasing a
/// problem might do) and the entries kept by <see cref="PrivacyLogCapture"/> instead of the console.
/// </summary>
public sealed class PrivacyHubFactory : WebApplicationFactory<Program>
{
    private readonly string _operatorKey;
    private readonly string _providerKey;

    /// <summary>A hub whose operator and social-security provider use <paramref name="operatorKey"/> and <paramref name="providerKey"/>.</summary>
    public PrivacyHubFactory(string operatorKey, string providerKey)
    {
        (_operatorKey, _providerKey) = (operatorKey, providerKey);
        UseKestrel(0);
    }

    public PrivacyLogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Postgres", "");
        builder.UseSetting("Hub:Cluster:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Hub:Cluster:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(
            new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Orleans", "Polly", "Microsoft.AspNetCore.DataProtection", "Npgsql", "OrleansHub" }
                .Select(category => KeyValuePair.Create<string, string?>($"Logging:LogLevel:{category}", "Trace"))
                .Append(KeyValuePair.Create<string, string?>("Hub:Operator:ApiKey", _operatorKey))
                .Append(KeyValuePair.Create<string, string?>($"Hub:Providers:Agencies:{AuthorizationParties.ProviderCode}:ApiKey", _providerKey))));
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
        });
    }
}
