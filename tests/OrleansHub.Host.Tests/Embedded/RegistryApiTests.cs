using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansHub.Host.Tests.Infrastructure;

namespace OrleansHub.Host.Tests.Embedded;

/// <summary>The registry over HTTP: ownership, cards, death, history and bulk import.</summary>
public sealed class RegistryApiTests(EmbeddedHubFactory factory) : IClassFixture<EmbeddedHubFactory>
{
    private const string Authority = "Cục Cảnh sát quản lý hành chính về trật tự xã hội";

    private readonly HttpClient _operator = factory.CreateOperatorClient();
    private readonly HttpClient _socialSecurity = factory.CreateClient().WithBearer("dev-vss-key");

    private static string NewCardNumber() => $"CC{Random.Shared.NextInt64(10_000_000_000):D10}";

    private async Task<string> NewCitizenAsync()
    {
        var id = TestIds.NewCitizen();
        Assert.Equal(HttpStatusCode.Created, (await _operator.PutCitizenAsync(id, "Mạc Thị Bưởi", TestIds.DateOfBirth, TestIds.Sex)).StatusCode);
        return id;
    }

    private static async Task<JsonElement> FieldAsync(HttpResponseMessage response, string field) =>
        (await response.ReadJsonAsync()).GetProperty("fields").GetProperty(field);

    [Fact]
    public async Task Provider_WritesItsOwnField_IsCreditedToIt()
    {
        var id = await NewCitizenAsync();

        var response = await _socialSecurity.PatchCitizenAsync(id, new { healthInsuranceNumber = "DN4010123456789" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("VSS", (await FieldAsync(response, "healthInsuranceNumber")).GetProperty("source").GetString());
    }

    [Fact]
    public async Task Provider_WritesARegistryField_Is403FieldNotOwned()
    {
        var id = await NewCitizenAsync();

        var response = await _socialSecurity.PatchCitizenAsync(id, new { fullName = "Mạc Bưởi" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Equal("/problems/field-not-owned", problem.GetProperty("type").GetString());
        Assert.Equal("fullName", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Provider_CannotCreateRecordsOrReadThem()
    {
        var id = TestIds.NewCitizen();

        var create = await _socialSecurity.PatchCitizenAsync(id, new { healthInsuranceNumber = "DN4010123456789" });
        var read = await _socialSecurity.GetAsync("/admin/citizens/001090001234");

        Assert.Equal(HttpStatusCode.NotFound, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal("/problems/forbidden", (await read.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task PatchCitizen_IfNoneMatchOnExistingRecord_Is412()
    {
        var id = await NewCitizenAsync();
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/admin/citizens/{id}") { Content = JsonContent.Create(new { hometown = "Huế" }) };
        request.Headers.TryAddWithoutValidation("If-None-Match", "*");

        Assert.Equal(HttpStatusCode.PreconditionFailed, (await _operator.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Card_IssueLoseRevoke_EachStateIsAnsweredAndShownOnTheRecord()
    {
        var id = await NewCitizenAsync();
        var number = NewCardNumber();

        var issued = await _operator.PutAsJsonAsync($"/admin/cards/{number}", new { citizenId = id, issuedOn = "2021-06-01", expiresOn = "2030-04-12", issuedBy = Authority });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.Equal("valid", (await (await _operator.GetAsync($"/admin/cards/{number}")).ReadJsonAsync()).GetProperty("status").GetString());

        var lost = await _operator.PostAsync($"/admin/cards/{number}/lost", null);
        Assert.Equal("lost", (await lost.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal("lost", (await FieldAsync(await _operator.GetAsync($"/admin/citizens/{id}"), "cardStatus")).GetProperty("value").GetString());

        var revoked = await _operator.PostAsJsonAsync($"/admin/cards/{number}/revocation", new { reason = "administrative" });
        var check = await revoked.ReadJsonAsync();
        Assert.Equal(("revoked", "administrative"), (check.GetProperty("status").GetString(), check.GetProperty("reason").GetString()));
        Assert.Equal("locked", (await FieldAsync(await _operator.GetAsync($"/admin/citizens/{id}"), "eIdStatus")).GetProperty("value").GetString());
    }

    [Fact]
    public async Task Card_NeverIssued_IsUnknown() =>
        Assert.Equal("unknown", (await (await _operator.GetAsync($"/admin/cards/{NewCardNumber()}")).ReadJsonAsync()).GetProperty("status").GetString());

    [Theory]
    [InlineData("cc0000000001")]
    [InlineData("CC-1")]
    [InlineData("CC00000000012345")]
    public async Task Card_MalformedNumber_Is400(string number)
    {
        var response = await _operator.GetAsync($"/admin/cards/{number}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/problems/validation-failed", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Card_IssuedToUnknownCitizen_Is400AndStaysUnknown()
    {
        var number = NewCardNumber();

        var response = await _operator.PutAsJsonAsync($"/admin/cards/{number}", new { citizenId = TestIds.NewCitizen(), issuedOn = "2021-06-01", issuedBy = Authority });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unknown", (await (await _operator.GetAsync($"/admin/cards/{number}")).ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Card_SameNumberForAnotherCitizen_Is409()
    {
        var number = NewCardNumber();
        await _operator.PutAsJsonAsync($"/admin/cards/{number}", new { citizenId = await NewCitizenAsync(), issuedOn = "2021-06-01", issuedBy = Authority });

        var response = await _operator.PutAsJsonAsync($"/admin/cards/{number}", new { citizenId = await NewCitizenAsync(), issuedOn = "2021-06-01", issuedBy = Authority });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("/problems/conflict", (await response.ReadProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Death_RecordedByPatch_RevokesTheCardAndShowsInHistory()
    {
        var id = await NewCitizenAsync();
        var number = NewCardNumber();
        await _operator.PutAsJsonAsync($"/admin/cards/{number}", new { citizenId = id, issuedOn = "2021-06-01", issuedBy = Authority });

        var death = await _operator.PatchCitizenAsync(id, new { dateOfDeath = "2025-02-03" });

        Assert.Equal(HttpStatusCode.OK, death.StatusCode);
        var card = await (await _operator.GetAsync($"/admin/cards/{number}")).ReadJsonAsync();
        Assert.Equal(("revoked", "death"), (card.GetProperty("status").GetString(), card.GetProperty("reason").GetString()));
        var history = await (await _operator.GetAsync($"/admin/citizens/{id}/history?limit=1")).ReadJsonAsync();
        Assert.Equal("death-recorded", history.GetProperty("changes")[0].GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("before=0")]
    [InlineData("limit=abc")]
    [InlineData("limit=1&limit=2")]
    public async Task History_BadPaging_Is400(string query)
    {
        var response = await _operator.GetAsync($"/admin/citizens/001090001234/history?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ReadProblemAsync();
    }

    [Fact]
    public async Task Import_Ndjson_CommitsGoodLinesReportsBadOnesAndRerunChangesNothing()
    {
        var (first, second) = (TestIds.NewCitizen(), TestIds.NewCitizen());
        var file = string.Join('\n',
            Line(first, "Lý Thường Kiệt"),
            Line("00109000123", "Ngắn Quá"),
            "{not json",
            "",
            Line(second, "Trần Hưng Đạo"),
            $$"""{"id":"{{TestIds.NewCitizen()}}","fullName":"Sai Năm","dateOfBirth":"1999-01-01","sex":"male"}""",
            "[1,2]") + "\n";

        var report = await ImportAsync(file, "application/x-ndjson");
        var rerun = await ImportAsync(file, "application/x-ndjson");

        // Lines are committed concurrently, so rejections arrive in completion order, not file order.
        Assert.Equal([2L, 3L, 6L, 7L], report.Rejected.Select(r => r.GetProperty("line").GetInt64()).Order());
        Assert.Equal("id", report.Rejected.Single(r => r.GetProperty("line").GetInt64() == 6).GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal((6L, 2L, 4L), (Count(report, "lines"), Count(report, "created"), Count(report, "rejected")));
        Assert.Equal((0L, 2L), (Count(rerun, "created"), Count(rerun, "unchanged")));
        Assert.Equal(HttpStatusCode.OK, (await _operator.GetAsync($"/admin/citizens/{second}")).StatusCode);
    }

    [Fact]
    public async Task Import_LineOverTheLimit_IsRejectedAndTheRestStillImported()
    {
        var id = TestIds.NewCitizen();
        var file = $$"""{"id":"{{TestIds.NewCitizen()}}","fullName":"{{new string('a', 70_000)}}"}""" + "\n" + Line(id, "Ngô Quyền") + "\n";

        var report = await ImportAsync(file, "application/x-ndjson");

        Assert.Equal(1L, Assert.Single(report.Rejected).GetProperty("line").GetInt64());
        Assert.Equal(1L, Count(report, "created"));
    }

    [Fact]
    public async Task Import_Csv_ReadsQuotedCellsListsAndCards()
    {
        var (id, card) = (TestIds.NewCitizen(), NewCardNumber());
        var file = "id,fullName,dateOfBirth,sex,permanentResidence,drivingLicences,cardNumber,cardIssuedOn,cardExpiresOn,cardIssuedBy\n"
            + $"{id},Bà Triệu,{TestIds.DateOfBirth},{TestIds.Sex},\"Số 1, phố Bà Triệu, Hà Nội\",010123456789|010123456788,{card},2021-06-01,,{Authority}\n"
            + "001090000001,Thiếu Ô\n";

        var report = await ImportAsync(file, "text/csv");

        Assert.Equal(3L, Assert.Single(report.Rejected).GetProperty("line").GetInt64());
        var fields = (await (await _operator.GetAsync($"/admin/citizens/{id}")).ReadJsonAsync()).GetProperty("fields");
        Assert.Equal("Số 1, phố Bà Triệu, Hà Nội", fields.GetProperty("permanentResidence").GetProperty("value").GetString());
        Assert.Equal(2, fields.GetProperty("drivingLicences").GetProperty("value").GetArrayLength());
        Assert.Equal("DRVN", fields.GetProperty("drivingLicences").GetProperty("source").GetString());
        Assert.Equal(card, fields.GetProperty("cardNumber").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Import_WrongContentType_Is415() =>
        Assert.Equal(HttpStatusCode.UnsupportedMediaType,
            (await _operator.PostAsync("/admin/citizens/import", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);

    [Fact]
    public async Task Import_ByProvider_Is403() =>
        Assert.Equal(HttpStatusCode.Forbidden,
            (await _socialSecurity.PostAsync("/admin/citizens/import", new StringContent("", Encoding.UTF8, "application/x-ndjson"))).StatusCode);

    private static string Line(string id, string name) =>
        JsonSerializer.Serialize(new { id, fullName = name, dateOfBirth = TestIds.DateOfBirth, sex = TestIds.Sex });

    private static long Count((List<JsonElement> Rejected, JsonElement Summary) report, string name) => report.Summary.GetProperty(name).GetInt64();

    private async Task<(List<JsonElement> Rejected, JsonElement Summary)> ImportAsync(string file, string contentType)
    {
        var response = await _operator.PostAsync("/admin/citizens/import", new StringContent(file, Encoding.UTF8, contentType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        return (lines[..^1], lines[^1].GetProperty("summary"));
    }
}
