using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Client;
using OrleansHub.Client.Generated.Models;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Client;

/// <summary>
/// The generated agency client and its hand-written layer against a real hub (embedded, real Kestrel): the sample agency
/// program end to end, and a retried lookup after a 429.
/// </summary>
public sealed class AgencyClientTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string GdtKey = "ohk_GDT_dev_gdt-embedded-demo-key";
    private const string Citizen = "001090001234";

    [Fact]
    public async Task SampleProgram_LooksUpVerifiesSubscribesAndReadsTheFeed_ResumingFromItsSavedCursor()
    {
        var hub = factory.CreateClient().BaseAddress!;
        var cursorFile = Path.Combine(Directory.CreateTempSubdirectory("orleanshub-sample-").FullName, "gdt.cursor");

        var first = await RunSampleAsync(hub, cursorFile);
        var change = await factory.CreateOperatorClient().PatchAsJsonAsync($"/admin/citizens/{Citizen}", new { permanentResidence = $"Số {Random.Shared.Next(1, 999)} phố Hàng Bài, Hà Nội" });
        var second = await RunSampleAsync(hub, cursorFile, wait: 10);
        var third = await RunSampleAsync(hub, cursorFile);

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Contains("agency: GDT (State)", first, StringComparison.Ordinal);
        Assert.Matches(@"lookup: \S.*, born \d{4}-\d{2}-\d{2}, audit [0-9a-f-]{36}", first);   // typed values: a string and a date
        Assert.Contains("verification: fullName matches", first, StringComparison.Ordinal);
        Assert.Contains($"subscription: following {Citizen} for tax-registration", first, StringComparison.Ordinal);
        Assert.Contains($"event: vn.orleanshub.citizen.residence-changed.v1", second, StringComparison.Ordinal);
        Assert.Contains("feed: 0 events", third, StringComparison.Ordinal);   // the cursor file moved past what the second run read
        Assert.True(File.Exists(cursorFile));
    }

    [Fact]
    public async Task Lookup_RefusedWith429_IsRetriedAfterRetryAfter_WithTheSameIdempotencyKey()
    {
        var key = await NewAgencyKeyAsync(new { ratePerSecond = 1, burst = 1 });
        var attempts = new AttemptRecorder();
        var services = new ServiceCollection();
        services.AddAgencyHubClient(o => { o.BaseAddress = factory.CreateClient().BaseAddress; o.ApiKey = key; o.MaxRetries = 3; })
            .AddHttpMessageHandler(() => attempts);   // inside the retry handler: sees every attempt
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<AgencyHubClient>();
        var request = new LookupRequest { CitizenId = Citizen, Fields = ["fullName"], Purpose = "civil-records" };

        var first = await client.Api.V1.Lookups.PostAsync(request);
        attempts.Clear();
        var second = await client.Api.V1.Lookups.PostAsync(request);   // the burst of 1 is spent: 429 first, then a retry

        Assert.NotNull(first?.AuditId);
        Assert.NotNull(second?.AuditId);
        var seen = attempts.Snapshot();
        Assert.True(seen.Count >= 2, $"expected a refused attempt and a retry, saw {string.Join(", ", seen.Select(a => a.Status))}");
        Assert.Equal(HttpStatusCode.TooManyRequests, seen[0].Status);
        Assert.Equal(HttpStatusCode.OK, seen[^1].Status);
        Assert.Single(seen.Select(a => a.IdempotencyKey).Distinct());
        Assert.NotNull(seen[0].IdempotencyKey);
    }

    [Fact]
    public void Authentication_RefusesToSendTheKeyToAnotherHostOrInClearTextToARemoteHost()
    {
        var authentication = new ApiKeyAuthentication(new Uri("https://hub.example.gov.vn"), "ohk_GDT_x_secret");
        var elsewhere = new Microsoft.Kiota.Abstractions.RequestInformation { URI = new Uri("https://evil.example.com/v1/agency") };
        var clearText = new ApiKeyAuthentication(new Uri("http://hub.example.gov.vn"), "ohk_GDT_x_secret");
        var plain = new Microsoft.Kiota.Abstractions.RequestInformation { URI = new Uri("http://hub.example.gov.vn/v1/agency") };

        Assert.Throws<InvalidOperationException>(() => { authentication.AuthenticateRequestAsync(elsewhere).GetAwaiter().GetResult(); });
        Assert.Throws<InvalidOperationException>(() => { clearText.AuthenticateRequestAsync(plain).GetAwaiter().GetResult(); });
        Assert.False(elsewhere.Headers.ContainsKey("Authorization") || plain.Headers.ContainsKey("Authorization"));
    }

    private async Task<string> NewAgencyKeyAsync(object quota)
    {
        var operatorClient = factory.CreateOperatorClient();
        var code = $"C{Random.Shared.Next(10_000_000, 99_999_999)}";
        var registered = await operatorClient.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Cục Khách hàng",
            kind = "state",
            status = "active",
            fields = new[] { "fullName" },
            purposes = new[] { "civil-records" },
            requiresConsent = false,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        Assert.True((await operatorClient.PutAsJsonAsync($"/admin/agencies/{code}/quota", quota)).IsSuccessStatusCode);
        return (await (await operatorClient.PostAsync($"/admin/agencies/{code}/keys", null)).ReadJsonAsync()).GetProperty("key").GetString()!;
    }

    private static async Task<string> RunSampleAsync(Uri hub, string cursorFile, int wait = 0)
    {
        var start = new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "OrleansHub.AgencySample.dll"), "--hub", hub.ToString(), "--key", GdtKey, "--citizen", Citizen,
             "--cursor-file", cursorFile, "--wait", wait.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var sample = Process.Start(start)!;
        var output = sample.StandardOutput.ReadToEndAsync();
        var errors = sample.StandardError.ReadToEndAsync();
        await sample.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var text = await output + await errors;
        Assert.True(sample.ExitCode == 0, $"the sample exited {sample.ExitCode}: {text}");
        return text;
    }

    /// <summary>Each attempt the client sent: the status it got and the Idempotency-Key it carried.</summary>
    private sealed class AttemptRecorder : DelegatingHandler
    {
        private readonly List<(HttpStatusCode Status, string? IdempotencyKey)> _attempts = [];

        public void Clear()
        {
            lock (_attempts)
            {
                _attempts.Clear();
            }
        }

        public List<(HttpStatusCode Status, string? IdempotencyKey)> Snapshot()
        {
            lock (_attempts)
            {
                return [.. _attempts];
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            lock (_attempts)
            {
                _attempts.Add((response.StatusCode, request.Headers.TryGetValues(IdempotencyKeyHandler.HeaderName, out var keys) ? keys.Single() : null));
            }

            return response;
        }
    }
}
