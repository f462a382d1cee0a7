using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Host.Agencies;
using OrleansHub.Host.Tests.Consents;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Lookups;

/// <summary>Agency clients with the embedded hub's demo keys, and the citizens and consents the lookup tests need.</summary>
public static class AgencyClients
{
    public static HttpClient Agency(this EmbeddedHubFactory factory, string code) =>
        factory.CreateClient().WithBearer(DemoAgencies.All.Single(a => a.Code == code).DevelopmentKey);

    /// <summary>A fresh citizen the registry wrote (full name, date of birth, sex).</summary>
    public static async Task<string> NewCitizenAsync(this EmbeddedHubFactory factory, string fullName = "Nguyễn Văn An")
    {
        var id = TestIds.NewCitizen();
        var created = await factory.CreateOperatorClient().PutCitizenAsync(id, fullName, TestIds.DateOfBirth, TestIds.Sex);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return id;
    }

    /// <summary>The citizen grants VCB consent for <c>kyc-onboarding</c> to <paramref name="fields"/>; returns the consent ID.</summary>
    public static async Task<string> GrantVcbAsync(this EmbeddedHubFactory factory, string citizenId, string[] fields, DateTimeOffset? validUntil = null)
    {
        var citizen = await CitizenTokens.ClientAsync(factory, citizenId);
        var response = await citizen.PostAsJsonAsync("/me/consents", new
        {
            agencyCode = "VCB",
            purpose = "kyc-onboarding",
            purposeText = "Mở tài khoản thanh toán",
            fields,
            validUntil = validUntil ?? DateTimeOffset.UtcNow.AddDays(30),
            retentionDays = 365,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> LookupAsync(this HttpClient agency, string citizenId, string purpose, params string[] fields) =>
        agency.PostAsJsonAsync("/v1/lookups", new { citizenId, fields, purpose });

    /// <summary>Checks the response is the problem <paramref name="slug"/> and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        Assert.Equal(status, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal($"/problems/{slug}", problem.GetProperty("type").GetString());
        return problem;
    }
}
