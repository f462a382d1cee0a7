using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Client;
using OrleansHub.Client.Generated.Models;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;
using OrleansHub.Host.Tests.Lookups;

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
        var key = await NewAgencyKeyAsync(new { ratePerSecond = 1, burst = 100 });
        var raw = factory.CreateClient().WithBearer(key);
        var attempts = new AttemptRecorder();
        var services = new ServiceCollection();
        services.AddAgencyHubClient(o => { o.BaseAddress = raw.BaseAddress; o.ApiKey = key; o.MaxRetries = 5; })
            .AddHttpMessageHandler(() => attempts);   // inside the retry handler: sees every attempt
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<AgencyHubClient>();
        var request = new LookupRequest { CitizenId = Citizen, Fields = ["fullName"], Purpose = "civil-records" };

        // Spend the burst until the hub refuses, then ask through the client at once. The bucket refills one unit a
        // second, so on a stalled machine the client's first attempt may already be admitted: then spend and ask again.
        LookupResponse? answer = null;
        for (var round = 0; round < 5 && attempts.Snapshot() is not [{ Status: HttpStatusCode.TooManyRequests }, ..]; round++)
        {
            await SpendUntilRefusedAsync(raw);
            attempts.Clear();
            answer = await client.Api.V1.Lookups.PostAsync(request);
        }

        var seen = attempts.Snapshot();
        Assert.NotNull(answer?.AuditId);
        Assert.True(seen is [{ Status: HttpStatusCode.TooManyRequests }, .., { Status: HttpStatusCode.OK }],
            $"expected a refused attempt, then retries until one was answered: {string.Join(", ", seen.Select(a => a.Status))}");
        Assert.NotNull(seen[0].IdempotencyKey);
        Assert.Single(seen.Select(a => a.IdempotencyKey).Distinct());
    }

    private static async Task SpendUntilRefusedAsync(HttpClient agency)
    {
        for (var i = 0; i < 1_000; i++)
        {
            using var response = await agency.PostAsJsonAsync("/v1/lookups", new { citizenId = Citizen, fields = new[] { "fullName" }, purpose = "civil-records" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return;
            }
        }

        Assert.Fail("1,000 lookups at a rate of 1/s with a burst of 100 were never refused");
    }

    [Fact]
    public async Task GeneratedClient_WasMadeFromTheDocumentTheHubServes()
    {
        var served = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!.AsObject();
        served.Remove("servers");
        var generatedFrom = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "src", "OrleansHub.Client", "agency-api.json")));

        Assert.True(JsonNode.DeepEquals(served, generatedFrom),
            "The hub's OpenAPI document changed: with the hub running, run src/OrleansHub.Client/generate.sh http://localhost:5080 and commit the result.");
    }

    [Fact]
    public async Task Webhook_ReceiverOnTheClient_AnswersTheChallenge_ThenVerifiesAndReadsEachDelivery()
    {
        var key = await NewAgencyKeyAsync(quota: null, fields: ["fullName", "permanentResidence"]);
        await using var receiver = await ClientWebhookReceiver.StartAsync();
        var services = new ServiceCollection();
        services.AddAgencyHubClient(o => { o.BaseAddress = factory.CreateClient().BaseAddress; o.ApiKey = key; });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<AgencyHubClient>();
        var citizen = await factory.NewCitizenAsync();
        await client.Api.V1.Subscriptions.Citizens[citizen].PutAsync(new CitizenSubscriptionRequest { Purpose = "civil-records" });

        var registered = await client.Api.V1.Webhook.PutAsync(new WebhookRequest { Url = receiver.Url });   // answered only after the challenge was
        receiver.Secret = registered!.Secret!;
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateOperatorClient().PatchCitizenAsync(citizen, new { permanentResidence = "Số 3 phố Huế, Hà Nội" })).StatusCode);
        var delivery = await receiver.NextAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, receiver.ChallengesAnswered);
        Assert.Equal("vn.orleanshub.citizen.residence-changed.v1", Assert.Single(delivery.Events).Type);
        Assert.True(long.TryParse(delivery.NextCursor, System.Globalization.CultureInfo.InvariantCulture, out _), delivery.NextCursor);
        Assert.Empty(receiver.Refused);
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => WebhookMessage.Read(
            "whsec_" + Convert.ToBase64String(new byte[32]), receiver.LastHeaders!, WebhookMessage.BatchMediaType, receiver.LastBody!));
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

    private async Task<string> NewAgencyKeyAsync(object? quota, string[]? fields = null)
    {
        var operatorClient = factory.CreateOperatorClient();
        var code = $"C{Random.Shared.Next(10_000_000, 99_999_999)}";
        var registered = await operatorClient.PutAsJsonAsync($"/admin/agencies/{code}", new
        {
            name = "Cục Khách hàng",
            kind = "state",
            status = "active",
            fields = fields ?? ["fullName"],
            purposes = new[] { "civil-records" },
            requiresConsent = false,
        });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        if (quota is not null)
        {
            var limited = await operatorClient.PutAsJsonAsync($"/admin/agencies/{code}/quota", quota);
            Assert.True(limited.IsSuccessStatusCode, await limited.Content.ReadAsStringAsync());
        }

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
