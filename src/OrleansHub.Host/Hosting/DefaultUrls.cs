namespace OrleansHub.Host.Hosting;

/// <summary>
/// The address to listen on when the caller named none. The launch profile (<c>Properties/launchSettings.json</c>) puts the
/// development address in <see cref="Key"/> rather than in <c>applicationUrl</c>: <c>dotnet run</c> writes
/// <c>applicationUrl</c> into <c>ASPNETCORE_URLS</c> over the caller's own, so <c>ASPNETCORE_URLS</c> was ignored. Now
/// <c>ASPNETCORE_URLS</c>, <c>--urls</c>, <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTPS_PORTS</c> and <c>Kestrel:Endpoints</c> each win
/// over it, under <c>dotnet run</c> as anywhere else.
/// </summary>
public static class DefaultUrls
{
    public const string Key = "Hub:DefaultUrls";

    /// <summary>The <see cref="Key"/> addresses when the configuration names no address of its own; otherwise null.</summary>
    public static string? Choose(IConfiguration configuration)
    {
        var named = !string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
            || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
            || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey])
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        return !named && configuration[Key] is { Length: > 0 } urls ? urls : null;
    }

    public static WebApplicationBuilder UseDefaultUrlsWhenNoneNamed(this WebApplicationBuilder builder)
    {
        if (Choose(builder.Configuration) is { } urls)
        {
            builder.WebHost.UseUrls(urls);
        }

        return builder;
    }
}
