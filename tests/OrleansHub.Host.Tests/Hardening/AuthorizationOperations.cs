using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OrleansHub.Host.Tests.Hardening;

/// <summary>One request per operation of the OpenAPI document, aimed at agency A's or citizen X's real resources.</summary>
public static class AuthorizationOperations
{
    public const string EventType = "vn.orleanshub.citizen.residence-changed.v1";

    /// <summary>A request of one operation: where it goes and what it sends; <see cref="Body"/> is made anew for each send.</summary>
    public sealed record Call(HttpMethod Method, string Template, string Path, Func<HttpContent?> Body, bool Streams = false);

    /// <summary>The request for one operation, aimed at agency A's or citizen X's real resources.</summary>
    public static async Task<Call> PrepareAsync(AuthorizationParties hub, string operation)
    {
        var a = hub.AgencyA;
        var x = hub.CitizenX;
        var month = AuthorizationParties.ThisMonth;
        var purpose = new { purpose = AuthorizationParties.Purpose };
        var today = Grains.VietnamCalendar.DateOf(DateTimeOffset.UtcNow);
        return operation switch
        {
            "CheckCard" => Get("/admin/cards/{number}", $"/admin/cards/{hub.CardOfX}"),
            "DeleteAgencyQuota" => new(HttpMethod.Delete, "/admin/agencies/{code}/quota", $"/admin/agencies/{a}/quota", NoBody),
            "DisputeAccess" => Post("/me/access-log/{entryId}/disputes", $"/me/access-log/{hub.AccessEntryOfX}/disputes", new { kind = "notMe" }),
            "ExportFeeStatements" => Get("/admin/fees/statements/{month}/csv", $"/admin/fees/statements/{month}/csv"),
            "GetAgency" => Get("/admin/agencies/{code}", $"/admin/agencies/{a}"),
            "GetAgencyCreditCap" => Get("/admin/agencies/{code}/credit-cap", $"/admin/agencies/{a}/credit-cap"),
            // The operator's webhook operations act on an agency of their own, so A's webhook stays for the /v1 rows.
            "GetAgencyWebhook" => Get("/admin/agencies/{code}/webhook", $"/admin/agencies/{await hub.NewAgencyWithWebhookAsync()}/webhook"),
            "DisableAgencyWebhook" => new(HttpMethod.Post, "/admin/agencies/{code}/webhook/disable",
                $"/admin/agencies/{await hub.NewAgencyWithWebhookAsync()}/webhook/disable", NoBody),
            "RemoveAgencyWebhook" => new(HttpMethod.Delete, "/admin/agencies/{code}/webhook", $"/admin/agencies/{await hub.NewAgencyWithWebhookAsync()}/webhook", NoBody),
            "GetAgencyHistory" => Get("/admin/agencies/{code}/history", $"/admin/agencies/{a}/history"),
            "GetAgencyKey" => Get("/admin/agencies/{code}/keys/{keyId}", $"/admin/agencies/{a}/keys/{hub.KeyIdOfA}"),
            "GetAgencyQuota" => Get("/admin/agencies/{code}/quota", $"/admin/agencies/{a}/quota"),
            "GetAgencyQuotaHistory" => Get("/admin/agencies/{code}/quota/history", $"/admin/agencies/{a}/quota/history"),
            "GetAgencyStatement" => Get("/admin/agencies/{code}/statements/{month}", $"/admin/agencies/{a}/statements/{month}"),
            "GetCitizen" => Get("/admin/citizens/{id}", $"/admin/citizens/{x}"),
            "GetCitizenHistory" => Get("/admin/citizens/{id}/history", $"/admin/citizens/{x}/history"),
            // Public documentation: everyone, with any credential or none.
            "GetEventSchema" => Get("/events/schemas/{type}", "/events/schemas/vn.orleanshub.citizen.death-recorded.v1"),
            "ListEventSchemas" => Get("/events/schemas", "/events/schemas"),
            "GetLiveness" => Get("/health/live", "/health/live"),
            "GetReadiness" => Get("/health/ready", "/health/ready"),
            "GetProblemType" => Get("/problems/{slug}", "/problems/consent-required"),
            "GetMyAccessLog" => Get("/me/access-log", "/me/access-log"),
            "GetMyConsent" => Get("/me/consents/{consentId}", $"/me/consents/{hub.ConsentOfX}"),
            "GetOwnAgency" => Get("/v1/agency", "/v1/agency"),
            "GetOwnStatement" => Get("/v1/statements/{month}", $"/v1/statements/{month}"),
            "GetWebhook" => Get("/v1/webhook", "/v1/webhook"),
            "GetSilos" => Get("/admin/cluster/silos", "/admin/cluster/silos"),
            "GrantConsent" => Post("/me/consents", "/me/consents", AuthorizationParties.ConsentBody()),
            "ImportCitizens" => new(HttpMethod.Post, "/admin/citizens/import", "/admin/citizens/import", () => new StringContent(hub.NewImportLine(), Encoding.UTF8, "application/x-ndjson")),
            "IssueAgencyKey" => new(HttpMethod.Post, "/admin/agencies/{code}/keys", $"/admin/agencies/{a}/keys", NoBody),
            "IssueCard" => Put("/admin/cards/{number}", $"/admin/cards/{AuthorizationParties.NewCardNumber()}",
                new { citizenId = hub.CitizenY, issuedOn = "2021-06-01", expiresOn = "2030-04-12", issuedBy = "Cục Cảnh sát quản lý hành chính về trật tự xã hội" }),
            "IssueDevelopmentCitizenToken" => Post("/dev/citizen-tokens", "/dev/citizen-tokens", new { citizenId = x }),
            "ListAgencies" => Get("/admin/agencies/", "/admin/agencies/"),
            "ListAgencyDisputes" => Get("/admin/agencies/{code}/disputes", $"/admin/agencies/{a}/disputes"),
            "ListAgencyKeys" => Get("/admin/agencies/{code}/keys", $"/admin/agencies/{a}/keys"),
            "ListCitizenSubscriptions" => Get("/v1/subscriptions/citizens", "/v1/subscriptions/citizens"),
            "ListEventTypeSubscriptions" => Get("/v1/subscriptions/population", "/v1/subscriptions/population"),
            "ListFeeSchedules" => Get("/admin/fees/schedules", "/admin/fees/schedules"),
            "ListMyConsents" => Get("/me/consents/", "/me/consents/"),
            "ListMyDisputes" => Get("/v1/disputes", "/v1/disputes"),
            "LookupCitizen" => Post("/v1/lookups", "/v1/lookups", new { citizenId = x, fields = new[] { "fullName" }, purpose = AuthorizationParties.Purpose }),
            "LookupCitizens" => Post("/v1/lookups/batch", "/v1/lookups/batch", new { citizenIds = new[] { x }, fields = new[] { "fullName" }, purpose = AuthorizationParties.Purpose }),
            // The provider owns the health-insurance number, not the name: this write is of a field it does not own.
            "PatchCitizen" => new(HttpMethod.Patch, "/admin/citizens/{id}", $"/admin/citizens/{x}", () => JsonContent.Create(new { fullName = hub.NameOfX })),
            "PublishFeeSchedule" => Post("/admin/fees/schedules", "/admin/fees/schedules", Schedule(today.AddDays(30), 1_000)),
            "PutAgency" => Put("/admin/agencies/{code}", $"/admin/agencies/{a}", AuthorizationParties.AgencyDefinition()),
            "PutAgencyCreditCap" => Put("/admin/agencies/{code}/credit-cap", $"/admin/agencies/{a}/credit-cap", new { monthlyCapVnd = 1_000_000_000 }),
            "PutAgencyQuota" => Put("/admin/agencies/{code}/quota/", $"/admin/agencies/{a}/quota/", new { ratePerSecond = 1_000, burst = 1_000, dailyRequests = 1_000_000 }),
            "ReadEventLog" => Get("/admin/events", "/admin/events"),
            "ReadFeed" => Get("/v1/feed", "/v1/feed"),
            // Agency B registers one of its own (201); A's is replaced (200), its secret kept.
            "RegisterWebhook" => Put("/v1/webhook", "/v1/webhook", new { url = hub.WebhookUrl }),
            "RemoveWebhook" => new(HttpMethod.Delete, "/v1/webhook", "/v1/webhook", NoBody),
            // A's webhook again (RemoveWebhook took it away); B's is gone, so B has nothing to replay.
            "ReplayWebhook" => await ReplayAsync(hub),
            "ReplaceFeeSchedule" => await LatestScheduleAsync(hub),
            "ReportCardLost" => new(HttpMethod.Post, "/admin/cards/{number}/lost", $"/admin/cards/{await NewCardAsync(hub)}/lost", NoBody),
            "RevokeAgencyKey" => new(HttpMethod.Delete, "/admin/agencies/{code}/keys/{keyId}", $"/admin/agencies/{a}/keys/{(await hub.IssueKeyAsync(a)).KeyId}", NoBody),
            "RevokeCard" => Post("/admin/cards/{number}/revocation", $"/admin/cards/{await NewCardAsync(hub)}/revocation", new { reason = "administrative" }),
            "RevokeConsent" => new(HttpMethod.Delete, "/me/consents/{consentId}", $"/me/consents/{await AuthorizationParties.GrantConsentAsync(hub.ClientFor(Party.CitizenX))}", NoBody),
            "RotateAgencyKey" => new(HttpMethod.Post, "/admin/agencies/{code}/keys/{keyId}/rotate", $"/admin/agencies/{a}/keys/{(await hub.IssueKeyAsync(a)).KeyId}/rotate", NoBody),
            "StreamFeed" => new(HttpMethod.Get, "/v1/feed/stream", "/v1/feed/stream", NoBody, Streams: true),
            // Citizen Y, whom nobody follows yet: each agency's subscription is its own (201 for both).
            "SubscribeToCitizen" => Put("/v1/subscriptions/citizens/{citizenId}", $"/v1/subscriptions/citizens/{hub.CitizenY}", purpose),
            "SubscribeToEventType" => Put("/v1/subscriptions/population/{eventType}", $"/v1/subscriptions/population/{EventType}", purpose),
            "UnsubscribeFromCitizen" => new(HttpMethod.Delete, "/v1/subscriptions/citizens/{citizenId}", $"/v1/subscriptions/citizens/{x}", NoBody),
            "UnsubscribeFromEventType" => new(HttpMethod.Delete, "/v1/subscriptions/population/{eventType}", $"/v1/subscriptions/population/{EventType}", NoBody),
            "VerifyCitizen" => Post("/v1/verifications", "/v1/verifications", new { citizenId = x, purpose = AuthorizationParties.Purpose, predicates = new { minimumAge = 18 } }),
            _ => throw new InvalidOperationException($"No request is written for {operation}: add one here and a row to the table."),
        };
    }

    private static HttpContent? NoBody() => null;

    private static Call Get(string template, string path) => new(HttpMethod.Get, template, path, NoBody);

    private static Call Post(string template, string path, object body) => new(HttpMethod.Post, template, path, () => JsonContent.Create(body));

    private static Call Put(string template, string path, object body) => new(HttpMethod.Put, template, path, () => JsonContent.Create(body));

    private static object Schedule(DateOnly from, long price) =>
        new { effectiveFrom = from, pricePerFieldVnd = new Dictionary<string, long> { ["SPDC01"] = price, ["SPDC04"] = price } };

    /// <summary>A replacement of the newest fee schedule (the only one that may be replaced), at its own start date.</summary>
    private static async Task<Call> LatestScheduleAsync(AuthorizationParties hub)
    {
        var schedules = await hub.Operator().GetFromJsonAsync<JsonElement>("/admin/fees/schedules");
        var latest = schedules.EnumerateArray().Last();
        var from = DateOnly.Parse(latest.GetProperty("effectiveFrom").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        return Put("/admin/fees/schedules/{version}", $"/admin/fees/schedules/{latest.GetProperty("version").GetInt32()}", Schedule(from, 1_100));
    }

    private static async Task<Call> ReplayAsync(AuthorizationParties hub)
    {
        await hub.RegisterWebhookAsync();
        return Post("/v1/webhook/replay", "/v1/webhook/replay", new { after = "0" });
    }

    private static async Task<string> NewCardAsync(AuthorizationParties hub)
    {
        var number = AuthorizationParties.NewCardNumber();
        var issued = await hub.Operator().PutAsJsonAsync($"/admin/cards/{number}",
            new { citizenId = hub.CitizenY, issuedOn = "2021-06-01", expiresOn = "2030-04-12", issuedBy = "Cục Cảnh sát quản lý hành chính về trật tự xã hội" });
        Assert.Equal(201, (int)issued.StatusCode);
        return number;
    }

}
