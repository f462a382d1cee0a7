using Microsoft.AspNetCore.Http.HttpResults;
using OrleansHub.Abstractions.Cards;
using OrleansHub.Abstractions.Citizens;
using OrleansHub.Grains.Cards;
using OrleansHub.Host.Hosting;
using OrleansHub.Host.Problems;
using OrleansHub.Host.Security;

namespace OrleansHub.Host.Cards;

/// <summary>The operator's request to issue a card.</summary>
public sealed record IssueCardRequest
{
    /// <summary>The holder's 12-digit personal ID number.</summary>
    public required string CitizenId { get; init; }

    public required DateOnly IssuedOn { get; init; }

    /// <summary>Null for cards issued after the holder's 60th birthday, which do not expire.</summary>
    public DateOnly? ExpiresOn { get; init; }

    public required string IssuedBy { get; init; }
}

/// <summary>The operator's request to revoke a card.</summary>
public sealed record RevokeCardRequest
{
    /// <summary>"administrative" (the registry's decision). Superseding and death are recorded by the hub itself.</summary>
    public required string Reason { get; init; }
}

/// <summary>A card check: valid, lost, revoked, expired or unknown as of now.</summary>
public sealed record CardResponse(string Number, string Status, string? Reason, string? CitizenId, DateOnly? IssuedOn, DateOnly? ExpiresOn, string? IssuedBy, DateTimeOffset? StatusChangedAt)
{
    public static CardResponse From(CardCheck check) => new(
        check.Number,
        check.Status.ToString().ToLowerInvariant(),
        check.Reason == RevocationReason.None ? null : check.Reason.ToString().ToLowerInvariant(),
        check.Card?.CitizenId.Value,
        check.Card?.IssuedOn,
        check.Card?.ExpiresOn,
        check.Card?.IssuedBy,
        check.StatusChangedAt);
}

/// <summary>The operator's API for chip ID cards: issue, check, report lost, revoke.</summary>
public static class CardEndpoints
{
    public static IEndpointRouteBuilder MapCardsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/cards").WithTags("Cards").RequireAuthorization(Roles.OperatorPolicy);

        group.MapPut("/{number}", IssueCard)
            .WithName("IssueCard")
            .ProducesProblems(409)
            .WithSummary("Issues a card to a citizen")
            .WithDescription("A citizen holds at most one valid card: issuing a new one revokes the previous one (reason superseded). Re-sending the same issue changes nothing.");

        group.MapGet("/{number}", CheckCard)
            .WithName("CheckCard")
            .WithSummary("Checks a card")
            .WithDescription("Answers valid, lost, revoked, expired (past its expiry date) or unknown (never issued).");

        group.MapPost("/{number}/lost", ReportLost)
            .WithName("ReportCardLost")
            .ProducesProblems(409)
            .WithSummary("Records that the holder reported the card lost");

        group.MapPost("/{number}/revocation", Revoke)
            .WithName("RevokeCard")
            .ProducesProblems(409)
            .WithSummary("Revokes a card")
            .WithDescription("Locks the holder's e-ID account if this was their current card.");

        return app;
    }

    private static async Task<Results<Ok<CardResponse>, Created<CardResponse>, ProblemHttpResult>> IssueCard(string number, IssueCardRequest body, IGrainFactory grains)
    {
        if (!CardRules.IsCardNumber(number))
        {
            return HubProblems.Validation("number", "A card number is 9 to 12 upper-case letters or digits.");
        }

        if (!PersonalId.TryParse(body.CitizenId, out var citizenId, out var error))
        {
            return HubProblems.Validation("citizenId", error);
        }

        var result = await grains.GetGrain<ICardGrain>(number).IssueAsync(new CardIssue(citizenId.Value, body.IssuedOn, body.ExpiresOn, body.IssuedBy));
        return result.Failure switch
        {
            CardFailure.None when result.Changed => TypedResults.Created($"/admin/cards/{number}", CardResponse.From(result.Card!)),
            CardFailure.None => TypedResults.Ok(CardResponse.From(result.Card!)),
            _ => Refusal(result),
        };
    }

    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> CheckCard(string number, IGrainFactory grains) =>
        CardRules.IsCardNumber(number)
            ? TypedResults.Ok(CardResponse.From(await grains.GetGrain<ICardGrain>(number).CheckAsync()))
            : HubProblems.Validation("number", "A card number is 9 to 12 upper-case letters or digits.");

    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> ReportLost(string number, IGrainFactory grains)
    {
        if (!CardRules.IsCardNumber(number))
        {
            return HubProblems.Validation("number", "A card number is 9 to 12 upper-case letters or digits.");
        }

        var result = await grains.GetGrain<ICardGrain>(number).ReportLostAsync();
        return result.Failure == CardFailure.None ? TypedResults.Ok(CardResponse.From(result.Card!)) : Refusal(result);
    }

    private static async Task<Results<Ok<CardResponse>, ProblemHttpResult>> Revoke(string number, RevokeCardRequest body, IGrainFactory grains)
    {
        if (!CardRules.IsCardNumber(number))
        {
            return HubProblems.Validation("number", "A card number is 9 to 12 upper-case letters or digits.");
        }

        if (body.Reason != "administrative")
        {
            return HubProblems.Validation("reason", "Must be \"administrative\"; superseding and death are recorded by the hub itself.");
        }

        var result = await grains.GetGrain<ICardGrain>(number).RevokeAsync(RevocationReason.Administrative);
        return result.Failure == CardFailure.None ? TypedResults.Ok(CardResponse.From(result.Card!)) : Refusal(result);
    }

    private static ProblemHttpResult Refusal(CardResult result) => result.Failure switch
    {
        CardFailure.Invalid => HubProblems.Validation(result.Errors),
        CardFailure.NotFound => HubProblems.Of(ProblemTypes.NotFound, "No card with this number was issued."),
        CardFailure.CitizenNotFound => HubProblems.Validation("citizenId", "The registry holds no record for this citizen."),
        CardFailure.CitizenDeceased => HubProblems.Of(ProblemTypes.Conflict, "The citizen is recorded as deceased; no card can be issued."),
        _ => HubProblems.Of(ProblemTypes.Conflict, result.Errors.FirstOrDefault()?.Message),
    };
}
