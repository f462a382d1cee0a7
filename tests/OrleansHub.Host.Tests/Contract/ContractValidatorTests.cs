namespace OrleansHub.Host.Tests.Contract;

/// <summary>The contract check itself: it passes an answer the document describes and catches each way one can break it.</summary>
public sealed class ContractValidatorTests
{
    private const string Document = """
        {
          "openapi": "3.1.1",
          "paths": {
            "/v1/things/{id}": {
              "get": {
                "responses": {
                  "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
                  "404": { "description": "Not Found", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } } }
                }
              }
            },
            "/v1/things/mine": {
              "delete": { "responses": { "204": { "description": "No Content" } } }
            }
          },
          "components": {
            "schemas": {
              "Thing": { "type": "object", "required": ["id", "size"], "additionalProperties": false,
                         "properties": { "id": { "type": "string" }, "size": { "type": "integer" } } },
              "ProblemDetails": { "type": "object", "required": ["type", "status"],
                                  "properties": { "type": { "type": "string" }, "status": { "type": "integer" } } }
            }
          }
        }
        """;

    private readonly ContractValidator _validator = new(Document);

    [Fact]
    public void DocumentedAnswers_Pass()
    {
        Assert.Null(_validator.Check("GET", "/v1/things/42?x=1", 200, "application/json", """{"id":"42","size":3}"""));
        Assert.Null(_validator.Check("get", "/V1/Things/42/", 404, "application/problem+json", """{"type":"/problems/not-found","status":404,"traceId":"x"}"""));
        Assert.Null(_validator.Check("DELETE", "/v1/things/mine", 204, null, ""));
    }

    [Fact]
    public void UndocumentedStatus_Fails() =>
        Assert.Contains("not documented", _validator.Check("GET", "/v1/things/42", 409, "application/problem+json", """{"type":"/problems/conflict","status":409}"""));

    [Fact]
    public void BodyOffItsSchema_Fails()
    {
        Assert.Contains("does not match", _validator.Check("GET", "/v1/things/42", 200, "application/json", """{"id":"42","size":"big"}"""));
        Assert.Contains("does not match", _validator.Check("GET", "/v1/things/42", 200, "application/json", """{"id":"42","size":3,"secret":"x"}"""));
        Assert.Contains("does not match", _validator.Check("GET", "/v1/things/42", 404, "application/problem+json", """{"title":"no type"}"""));
        Assert.Contains("not JSON", _validator.Check("GET", "/v1/things/42", 200, "application/json", "<html>"));
    }

    [Fact]
    public void UndocumentedContentTypeOrBody_Fails()
    {
        Assert.Contains("content type text/plain", _validator.Check("GET", "/v1/things/42", 200, "text/plain", "42"));
        Assert.Contains("documents no body", _validator.Check("DELETE", "/v1/things/mine", 204, "application/json", "{}"));
    }

    [Fact]
    public void AnswerOutsideTheDocument_MustStillBeAProblemWhenItIsAnError()
    {
        Assert.Null(_validator.Check("POST", "/v1/things/42", 405, "application/problem+json", """{"type":"/problems/method-not-allowed","status":405}"""));
        Assert.NotNull(_validator.Check("GET", "/nowhere", 404, "application/problem+json", """{"status":"404"}"""));
    }
}
