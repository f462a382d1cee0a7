using Microsoft.Extensions.Time.Testing;
using OrleansHub.Host.Events;

namespace OrleansHub.Host.Tests.Events;

/// <summary>Wake-ups of the dispatcher after the log grew: at once after a quiet spell, one per window under load, never lost.</summary>
public sealed class EventLogGrowthTests
{
    [Fact]
    public async Task Growth_AfterQuiet_WakesAtOnce_ThenCoalescesIntoOneWakeAtTheEndOfTheWindow()
    {
        var time = new FakeTimeProvider();
        var signal = new DispatchSignal();
        var growth = new EventLogGrowth(signal, null, time);

        var first = signal.NextAsync();
        growth.Grew();
        Assert.True(first.IsCompleted);

        var second = signal.NextAsync();
        growth.Grew();
        growth.Grew();
        growth.Grew();
        Assert.False(second.IsCompleted);

        time.Advance(EventLogGrowth.Coalescing);
        await second.WaitAsync(TimeSpan.FromSeconds(5));
        var third = signal.NextAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(third.IsCompleted); // nothing grew since: no more wake-ups
    }
}
