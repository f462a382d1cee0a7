using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Citizens;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Security.Citizens;

namespace OrleansHub.Host.Security;

/// <summary>Authentication and authorization wiring. Every endpoint needs a credential unless it opts out.</summary>
public static class SecurityExtensions
{
    private const int MinimumKeyLength = 16;

    public static WebApplicationBuilder AddHubSecurity(this WebApplicationBuilder builder)
    {
        var embedded = builder.Configuration.GetStorageMode() == StorageMode.Embedded;
        // Outside Development and embedded mode: real secrets only (KeyStrength), never a published example.
        var realSecrets = HubStartGuard.RequiresRealSecrets(builder.Configuration, builder.Environment);
        builder.Services.AddOptions<OperatorOptions>()
            .BindConfiguration(OperatorOptions.Section)
            .PostConfigure(o => o.ApiKey = string.IsNullOrWhiteSpace(o.ApiKey) && embedded ? OperatorOptions.DevelopmentKey : o.ApiKey)
            .Validate(o => embedded || o.ApiKey is { Length: >= MinimumKeyLength },
                $"Hub:Operator:ApiKey must be set to a key of at least {MinimumKeyLength} characters when the hub runs on PostgreSQL.")
            .Validate(o => !realSecrets || KeyStrength.Problem(o.ApiKey) is null,
                $"Hub:Operator:ApiKey must be a secret of at least {KeyStrength.MinimumLength} high-entropy characters, not a development key or published example (e.g. `openssl rand -base64 32`).")
            .ValidateOnStart();

        // In embedded mode every field owner gets a development key so the README's provider calls work at once.
        builder.Services.AddOptions<ProviderOptions>()
            .BindConfiguration(ProviderOptions.Section)
            .PostConfigure<IOptions<FieldOwnership>>((o, ownership) =>
            {
                if (!embedded)
                {
                    return;
                }

                foreach (var code in ownership.Value.Owners.Values.Distinct(StringComparer.Ordinal))
                {
                    var credential = o.Agencies.GetValueOrDefault(code) ?? new ProviderCredential();
                    credential.ApiKey = string.IsNullOrWhiteSpace(credential.ApiKey) ? ProviderOptions.DevelopmentKey(code) : credential.ApiKey;
                    o.Agencies[code] = credential;
                }
            })
            .Validate(o => o.Agencies.Values.All(c => c.ApiKey is { Length: >= MinimumKeyLength } || embedded),
                $"Every Hub:Providers:<code>:ApiKey must be at least {MinimumKeyLength} characters.")
            .Validate(o => !realSecrets || o.Agencies.Values.All(c => KeyStrength.Problem(c.ApiKey) is null),
                $"Every Hub:Providers:<code>:ApiKey must be a secret of at least {KeyStrength.MinimumLength} high-entropy characters, not a development key or published example.")
            .ValidateOnStart();

        builder.Services.AddSingleton<AdminCredentials>();
        builder.Services.AddAuthentication(AdminAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, AdminAuthenticationHandler>(AdminAuthenticationHandler.SchemeName, null);
        builder.Services.AddOptions<AuthenticationSchemeOptions>(AdminAuthenticationHandler.SchemeName)
            .Configure<IOptions<ApiSchemeOptions>>((o, apis) => o.ForwardDefaultSelector = apis.Value.SchemeFor);
        builder.Services.Configure<ApiSchemeOptions>(o => o.Add("/me", CitizenAuthentication.SchemeName));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.OperatorPolicy, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Roles.RegistryWriterPolicy, p => p.RequireRole(Roles.Operator, Roles.Provider))
            // Secure by default: an endpoint that forgets to declare its policy is closed, not open.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.ShareStatelessAuthorizationServices();
        builder.AddCitizenAuthentication(embedded);
        return builder;
    }

    /// <summary>
    /// The framework registers its authorization services as transient: every request that is authorized resolves and
    /// allocates about eight objects (the service, policy and handler providers, the evaluator, the handlers...). None holds
    /// per-request state, so one instance each serves every request. Later AddAuthorization calls only TryAdd, and leave
    /// these in place.
    /// </summary>
    private static void ShareStatelessAuthorizationServices(this IServiceCollection services)
    {
        Type[] stateless =
        [
            typeof(IAuthorizationService), typeof(IAuthorizationPolicyProvider), typeof(IAuthorizationHandlerProvider),
            typeof(IAuthorizationEvaluator), typeof(IAuthorizationHandlerContextFactory), typeof(IAuthorizationHandler),
            typeof(Microsoft.AspNetCore.Authorization.Policy.IPolicyEvaluator), typeof(IAuthorizationMiddlewareResultHandler),
        ];
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i] is { Lifetime: ServiceLifetime.Transient, IsKeyedService: false, ImplementationType: { } type } transient
                && Array.IndexOf(stateless, transient.ServiceType) >= 0)
            {
                services[i] = ServiceDescriptor.Singleton(transient.ServiceType, type);
            }
        }
    }

    /// <summary>Whether the operator key in force is the built-in development key.</summary>
    public static bool UsesDevelopmentOperatorKey(this IServiceProvider services) =>
        services.GetRequiredService<IOptions<OperatorOptions>>().Value.ApiKey == OperatorOptions.DevelopmentKey;

    /// <summary>The source the authenticated caller writes as.</summary>
    public static string WriterSource(this HttpContext http) =>
        http.User.FindFirst(HubClaims.Source)?.Value ?? throw new InvalidOperationException("The caller has no source claim.");
}
