using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansHub.Host.Tests.Infrastructure;

/// <summary>Small helpers the HTTP tests share.</summary>
public static class Http
{
    public static HttpClient WithBearer(this HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates a citizen with the three required fields (or changes them).</summary>
    public static Task<HttpResponseMessage> PutCitizenAsync(this HttpClient client, string id, string fullName, string dateOfBirth, string sex, string? ifMatch = null) =>
        client.PatchCitizenAsync(id, new { fullName, dateOfBirth, sex }, ifMatch);

    /// <summary>PATCHes any fields of a citizen.</summary>
    public static Task<HttpResponseMessage> PatchCitizenAsync(this HttpClient client, string id, object fields, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/admin/citizens/{id}")
        {
            Content = JsonContent.Create(fields),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    /// <summary>Reads a problem+json body and checks its media type.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
