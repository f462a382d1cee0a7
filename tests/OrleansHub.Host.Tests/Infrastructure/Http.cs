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

    public static Task<HttpResponseMessage> PutCitizenAsync(this HttpClient client, string id, string fullName, string dateOfBirth, string sex, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/admin/citizens/{id}")
        {
            Content = JsonContent.Create(new { fullName, dateOfBirth, sex }),
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
