using Microsoft.AspNetCore.Mvc.Testing;

namespace OrleansHub.Host.Tests.Contract;

/// <summary>Clients whose every answer is checked against the hub's served OpenAPI document.</summary>
public static class ContractClients
{
    /// <summary>A client of <paramref name="factory"/>'s hub (Kestrel) that throws <see cref="ContractViolationException"/> for an answer that breaks the document.</summary>
    public static HttpClient CreateCheckedClient(this WebApplicationFactory<Program> factory)
    {
        using var plain = factory.CreateClient(); // starts the host; its address is Kestrel's
        return factory.CreateDefaultClient(plain.BaseAddress!, new ContractCheckingHandler());
    }
}
