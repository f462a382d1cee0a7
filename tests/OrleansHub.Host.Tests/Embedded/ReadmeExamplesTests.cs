using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using OrleansHub.Grains;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Embedded;

/// <summary>
/// The README's embedded-mode examples (quick start, consent, fees, the agency feed), mirrored one to one, in the README's
/// order, against a freshly started embedded hub of this class's own, checking the answers the README shows. Each step
/// first finds its command in README.md as written (the bits a reader would copy: path, key, body), so an edit to the
/// README that the test does not follow fails here rather than in a newcomer's terminal.
/// </summary>
public sealed class ReadmeExamplesTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string Citizen = "001090001234";
    private const string OperatorKey = "dev-operator-key";
    private const string VcbKey = "ohk_VCB_dev_vcb-embedded-demo-key";
    private const string GdtKey = "ohk_GDT_dev_gdt-embedded-demo-key";
    private const string VssKey = "ohk_VSS_dev_vss-embedded-demo-key";

    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

    /// <summary>Asserts the README shows <paramref name="fragment"/> verbatim (what this step mirrors).</summary>
    private static void Shown(string fragment) =>
        Assert.True(Readme.Contains(fragment, StringComparison.Ordinal), $"The README no longer shows: {fragment}");

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string? key, string? json = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var response = await factory.CreateClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return (response.StatusCode, body, response);
    }

    [Fact]
    public async Task Readme_EmbeddedExamples_GetTheAnswersTheReadmeShows()
    {
        // --- Change events: "the embedded demo data's start-up leaves the log empty" (a creation raises no event).
        Shown("curl -s 'localhost:5080/admin/events?limit=100' -H \"$K\"");
        var (status, log, _) = await SendAsync(HttpMethod.Get, "/admin/events?limit=100", OperatorKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, log.GetProperty("events").GetArrayLength());

        // --- Quick start.
        Shown("K='Authorization: Bearer dev-operator-key'");
        Shown($"curl -s localhost:5080/admin/citizens/{Citizen} -H \"$K\"            # a record: every field with source and time");
        (status, var record, var recordResponse) = await SendAsync(HttpMethod.Get, $"/admin/citizens/{Citizen}", OperatorKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("registry", record.GetProperty("fields").GetProperty("fullName").GetProperty("source").GetString());
        Assert.Equal("\"1\"", recordResponse.Headers.ETag?.Tag); // what the PATCH below names in If-Match

        Shown($"curl -s localhost:5080/admin/citizens/{Citizen}/history -H \"$K\"");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/admin/citizens/{Citizen}/history", OperatorKey)).Status);

        Shown("curl -s localhost:5080/admin/cards/CC0000000001 -H \"$K\"               # valid / lost / revoked / expired / unknown");
        (status, var card, _) = await SendAsync(HttpMethod.Get, "/admin/cards/CC0000000001", OperatorKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("valid", card.GetProperty("status").GetString());

        const string moved = """{"currentResidence":"Số 5 phố Tràng Tiền, Hoàn Kiếm, Hà Nội"}""";
        Shown($"""-H 'If-Match: "1"' -d '{moved}'""");
        (status, var patched, _) = await SendAsync(HttpMethod.Patch, $"/admin/citizens/{Citizen}", OperatorKey, moved, ("If-Match", "\"1\""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, patched.GetProperty("version").GetInt64());

        const string insurance = """{"healthInsuranceNumber":"DN4010123456780"}""";
        Shown($"-H 'Content-Type: application/json' -d '{insurance}'   # social security's own field");
        (status, var provided, _) = await SendAsync(HttpMethod.Patch, $"/admin/citizens/{Citizen}", "dev-vss-key", insurance);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("VSS", provided.GetProperty("fields").GetProperty("healthInsuranceNumber").GetProperty("source").GetString());

        Shown("curl -s localhost:5080/health/ready                                   # no credentials needed");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/health/ready", key: null)).Status);

        // --- Citizens and consent.
        Shown($$"""-d '{"citizenId":"{{Citizen}}"}' | sed""");
        (status, var issued, _) = await SendAsync(HttpMethod.Post, "/dev/citizen-tokens", OperatorKey, $$"""{"citizenId":"{{Citizen}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var token = issued.GetProperty("token").GetString()!;

        const string consentBody = """
            {
              "agencyCode": "VCB", "purpose": "kyc-onboarding", "purposeText": "Mở tài khoản thanh toán tại Vietcombank",
              "fields": ["fullName", "dateOfBirth", "permanentResidence"],
              "validUntil": "2028-12-31T00:00:00Z", "retentionDays": 365}
            """;
        Shown("""
            curl -s -X POST localhost:5080/me/consents -H "$C" -H 'Content-Type: application/json' -d '{
              "agencyCode": "VCB", "purpose": "kyc-onboarding", "purposeText": "Mở tài khoản thanh toán tại Vietcombank",
              "fields": ["fullName", "dateOfBirth", "permanentResidence"],
              "validUntil": "2028-12-31T00:00:00Z", "retentionDays": 365}'              # 201, Location: /me/consents/<id>
            """);
        (status, var consent, var granted) = await SendAsync(HttpMethod.Post, "/me/consents", token, consentBody);
        Assert.Equal(HttpStatusCode.Created, status);
        var consentId = consent.GetProperty("id").GetString()!;
        Assert.Equal($"/me/consents/{consentId}", granted.Headers.Location?.OriginalString);

        Shown("curl -s localhost:5080/me/consents -H \"$C\"                                # newest first, with status");
        (status, var consents, _) = await SendAsync(HttpMethod.Get, "/me/consents", token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("active", consents.GetProperty("consents")[0].GetProperty("status").GetString());

        // --- Fees and statements: VCB's lookup under the consent above is charged.
        Shown("B='Authorization: Bearer ohk_VCB_dev_vcb-embedded-demo-key'");
        const string lookupBody = $$"""{"citizenId":"{{Citizen}}","fields":["fullName"],"purpose":"kyc-onboarding"}""";
        Shown($"-H \"Idempotency-Key: $(uuidgen)\" -d '{lookupBody}'");
        (status, var lookup, _) = await SendAsync(HttpMethod.Post, "/v1/lookups", VcbKey, lookupBody, ("Idempotency-Key", Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"product":"SPDC04","fields":1,"vnd":1000,"exempt":false}""", lookup.GetProperty("fee").GetRawText());

        var month = VietnamCalendar.DateOf(DateTimeOffset.UtcNow).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        Shown("M=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)");
        Shown("curl -s localhost:5080/v1/statements/$M -H \"$B\"");
        (status, var statement, _) = await SendAsync(HttpMethod.Get, $"/v1/statements/{month}", VcbKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1_000, statement.GetProperty("totals").GetProperty("amountVnd").GetInt64());

        Shown("curl -s localhost:5080/admin/agencies/VCB/statements/$M -H \"$K\"");
        (status, var operatorView, _) = await SendAsync(HttpMethod.Get, $"/admin/agencies/VCB/statements/{month}", OperatorKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1_000, operatorView.GetProperty("totals").GetProperty("amountVnd").GetInt64());

        Shown("curl -s localhost:5080/admin/fees/statements/$M/csv -H \"$K\" -o fees-$M.csv");
        (status, _, var csv) = await SendAsync(HttpMethod.Get, $"/admin/fees/statements/{month}/csv", OperatorKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"{month},VCB,SPDC04,1,1,0,0,1000,", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Shown("curl -s localhost:5080/admin/fees/schedules -H \"$K\"");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/admin/fees/schedules", OperatorKey)).Status);

        const string schedule = """{"effectiveFrom":"2030-01-01","pricePerFieldVnd":{"SPDC01":1200,"SPDC04":1200}}""";
        Shown($"-d '{schedule}'");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/admin/fees/schedules", OperatorKey, schedule)).Status);

        // The consent example's revocation, done after the fees example as its comment says.
        Shown("curl -s -X DELETE localhost:5080/me/consents/<id> -H \"$C\"                 # revoked, kept on record (the fees example needs it: revoke after)");
        (status, var revoked, _) = await SendAsync(HttpMethod.Delete, $"/me/consents/{consentId}", token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());

        // --- Subscriptions and the agency feed: GDT follows the citizen's residence changes, the change is one GDT sees.
        Shown("G='Authorization: Bearer ohk_GDT_dev_gdt-embedded-demo-key'");
        const string follow = """{"purpose":"tax-registration","eventTypes":["vn.orleanshub.citizen.residence-changed.v1"]}""";
        Shown($"curl -s -X PUT localhost:5080/v1/subscriptions/citizens/{Citizen} -H \"$G\"");
        Shown($"-d '{follow}'   # omit eventTypes: all");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, $"/v1/subscriptions/citizens/{Citizen}", GdtKey, follow)).Status);

        Shown("curl -s -X PUT localhost:5080/v1/subscriptions/population/vn.orleanshub.citizen.death-recorded.v1 -H \"$V\"");
        Shown("""-H 'Content-Type: application/json' -d '{"purpose":"benefit-eligibility"}'""");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Put, "/v1/subscriptions/population/vn.orleanshub.citizen.death-recorded.v1",
            VssKey, """{"purpose":"benefit-eligibility"}""")).Status);

        const string residence = """{"permanentResidence":"Số 12 phố Hàng Bài, Hoàn Kiếm, Hà Nội"}""";
        Shown($"-H 'Content-Type: application/json' -d '{residence}'   # a field GDT sees");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Patch, $"/admin/citizens/{Citizen}", OperatorKey, residence)).Status);

        Shown("curl -s 'localhost:5080/v1/feed?after=0&wait=30' -H \"$G\"");
        (status, var feed, _) = await SendAsync(HttpMethod.Get, "/v1/feed?after=0&wait=30", GdtKey);
        Assert.Equal(HttpStatusCode.OK, status);
        var delivered = Assert.Single(feed.GetProperty("events").EnumerateArray());
        Assert.Equal(("vn.orleanshub.citizen.residence-changed.v1", Citizen), (delivered.GetProperty("type").GetString(), delivered.GetProperty("subject").GetString()));
        Assert.Equal(["permanentResidence"], delivered.GetProperty("data").GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()));
        var next = feed.GetProperty("next").GetString()!;

        Shown("curl -sN 'localhost:5080/v1/feed/stream?after=<n>' -H \"$G\"");
        using (var stream = new HttpRequestMessage(HttpMethod.Get, $"/v1/feed/stream?after={next}"))
        {
            stream.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GdtKey);
            using var opened = await factory.CreateClient().SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            Assert.Equal("text/event-stream", opened.Content.Headers.ContentType?.MediaType);
        }

        Shown("curl -s localhost:5080/v1/subscriptions/citizens -H \"$G\"");
        (status, var following, _) = await SendAsync(HttpMethod.Get, "/v1/subscriptions/citizens", GdtKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(following.GetProperty("subscriptions").EnumerateArray(), s => s.GetProperty("citizenId").GetString() == Citizen);
    }

    [Fact]
    public void QuickStart_LaunchProfile_LeavesTheAddressToAspNetCoreUrlsAndDashDashUrls()
    {
        // dotnet run copies a profile's applicationUrl into ASPNETCORE_URLS over the caller's own: the profile has none.
        var profile = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "OrleansHub.Host", "Properties", "launchSettings.json"));
        Assert.DoesNotContain("applicationUrl", profile, StringComparison.Ordinal);
        Assert.DoesNotContain("ASPNETCORE_URLS", profile, StringComparison.Ordinal);
        Assert.Contains("\"Hub__DefaultUrls\": \"http://localhost:5080\"", profile, StringComparison.Ordinal);

        static IConfiguration Config(params (string Key, string Value)[] values) =>
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
        var fallback = (DefaultUrls.Key, "http://localhost:5080");
        Assert.Equal("http://localhost:5080", DefaultUrls.Choose(Config(fallback)));
        Assert.Null(DefaultUrls.Choose(Config(fallback, ("urls", "http://localhost:6080"))));        // ASPNETCORE_URLS or --urls
        Assert.Null(DefaultUrls.Choose(Config(fallback, ("http_ports", "8080"))));                   // ASPNETCORE_HTTP_PORTS
        Assert.Null(DefaultUrls.Choose(Config(fallback, ("Kestrel:Endpoints:Http:Url", "http://+:7080"))));
        Assert.Null(DefaultUrls.Choose(Config()));                                                   // no profile: ASP.NET Core's own default
    }
}
