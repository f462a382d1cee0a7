using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansHub.Host.Security.Citizens;
using OrleansHub.Host.Tests.Embedded;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Consents;

/// <summary>Citizen clients and hand-made tokens for the citizen API tests.</summary>
public static class CitizenTokens
{
    /// <summary>A token from the embedded hub's development issuer, asked for the way the README shows.</summary>
    public static async Task<string> IssueAsync(EmbeddedHubFactory factory, string citizenId)
    {
        var response = await factory.CreateOperatorClient().PostAsJsonAsync("/dev/citizen-tokens", new { citizenId });
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("token").GetString()!;
    }

    /// <summary>A client signed in as <paramref name="citizenId"/>.</summary>
    public static async Task<HttpClient> ClientAsync(EmbeddedHubFactory factory, string citizenId) =>
        factory.CreateClient().WithBearer(await IssueAsync(factory, citizenId));

    /// <summary>Signs <paramref name="descriptor"/> with the development issuer's own key.</summary>
    public static string SignWithHubKey(EmbeddedHubFactory factory, SecurityTokenDescriptor descriptor) =>
        factory.Services.GetRequiredService<DevelopmentCitizenIssuer>().Sign(descriptor);

    /// <summary>Signs <paramref name="descriptor"/> with <paramref name="key"/> (ES256).</summary>
    public static string Sign(ECDsa key, SecurityTokenDescriptor descriptor)
    {
        descriptor.SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>What the development issuer would sign for <paramref name="subject"/>, valid for the next 15 minutes.</summary>
    public static SecurityTokenDescriptor Descriptor(string? subject, string issuer = DevelopmentCitizenIssuer.Issuer, string audience = DevelopmentCitizenIssuer.Audience)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>();
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        return new SecurityTokenDescriptor { Issuer = issuer, Audience = audience, IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(15), Claims = claims };
    }
}
