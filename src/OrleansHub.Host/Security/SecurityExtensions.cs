using Microsoft.Extensions.Options;
using OrleansHub.Host.Hosting;

namespace OrleansHub.Host.Security;

/// <summary>Authentication and authorization wiring. Every endpoint needs a credential unless it opts out.</summary>
public static class SecurityExtensions
{
    public static WebApplicationBuilder AddHubSecurity(this WebApplicationBuilder builder)
    {
        var embedded = builder.Configuration.GetStorageMode() == StorageMode.Embedded;
        builder.Services.AddOptions<OperatorOptions>()
            .BindConfiguration(OperatorOptions.Section)
            .PostConfigure(o => o.ApiKey = string.IsNullOrWhiteSpace(o.ApiKey) && embedded ? OperatorOptions.DevelopmentKey : o.ApiKey)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiKey) && o.ApiKey.Length >= 16,
                "Hub:Operator:ApiKey must be set to a key of at least 16 characters when the hub runs on PostgreSQL.")
            .ValidateOnStart();

        builder.Services.AddAuthentication(OperatorAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, OperatorAuthenticationHandler>(OperatorAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.OperatorPolicy, p => p.AddAuthenticationSchemes(OperatorAuthenticationHandler.SchemeName).RequireRole(Roles.Operator))
            // Secure by default: an endpoint that forgets to declare its policy is closed, not open.
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }

    /// <summary>Whether the operator key in force is the built-in development key.</summary>
    public static bool UsesDevelopmentOperatorKey(this IServiceProvider services) =>
        services.GetRequiredService<IOptions<OperatorOptions>>().Value.ApiKey == OperatorOptions.DevelopmentKey;
}
