using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OrleansHub.Host.Telemetry;
using OrleansHub.Host.Tests.Embedded;

namespace OrleansHub.Host.Tests.Telemetry;

/// <summary>Citizen ID numbers in what the framework logs (Orleans naming a grain, say) never reach the console.</summary>
public sealed class RedactingLoggerProviderTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private sealed record Entry(string Message, IReadOnlyList<KeyValuePair<string, object?>> Values, string? Exception);

    /// <summary>Records what reaches the wrapped provider, as the console would write it.</summary>
    private sealed class RecordingProvider : ILoggerProvider, ILogger
    {
        public List<Entry> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add(new(formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? [], exception?.ToString()));

        public void Dispose()
        {
        }
    }

    [Fact]
    public void FrameworkWarning_NamingACitizenGrain_ReachesTheConsoleWithTheIdReplaced()
    {
        var recording = new RecordingProvider();
        using var provider = new RedactingLoggerProvider(recording);
        var logger = provider.CreateLogger("Orleans.Runtime.Messaging");
        var failure = new TimeoutException("Response did not arrive on time for citizen/001090001234@a1b2c3");

        logger.LogWarning(failure, "Call to {Grain} timed out after {Seconds} s", "citizen/001090001234@a1b2c3", 30);

        var entry = Assert.Single(recording.Entries);
        Assert.Equal("Call to citizen/[citizen-id]@a1b2c3 timed out after 30 s", entry.Message);
        Assert.Contains(entry.Values, v => v.Key == "Grain" && (string?)v.Value == "citizen/[citizen-id]@a1b2c3");
        Assert.DoesNotContain("001090001234", entry.Exception, StringComparison.Ordinal);
        Assert.Contains("TimeoutException", entry.Exception, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Silo 127.0.0.1:11111 joined, 3 silos", "Silo 127.0.0.1:11111 joined, 3 silos")]
    [InlineData("ticks 638999999999999999", "ticks 638999999999999999")]        // longer numbers are not IDs
    [InlineData("card DN4010123456789", "card DN4010123456789")]                  // a health insurance number
    [InlineData("ids 001090001234,079203000123", "ids [citizen-id],[citizen-id]")]
    [InlineData("source card/CC0123456789, target citizen/001090001234", "source card/[card-number], target citizen/[citizen-id]")]
    [InlineData("grain card/AB1234567@S127.0.0.1:11111", "grain card/[card-number]@S127.0.0.1:11111")]
    [InlineData("discard/CC0123456789", "discard/CC0123456789")]                  // not a card grain
    public void Redact_ReplacesExactlyTwelveDigitRunsAndCardGrainKeys(string text, string expected) =>
        Assert.Equal(expected, CitizenIdRedaction.Redact(text));

    [Fact]
    public void Host_WritesToTheConsoleOnlyThroughTheRedaction()
    {
        var providers = factory.Services.GetServices<ILoggerProvider>().ToList();

        Assert.Contains(providers, p => p is RedactingLoggerProvider);
        Assert.DoesNotContain(providers, p => p is ConsoleLoggerProvider);
    }
}
