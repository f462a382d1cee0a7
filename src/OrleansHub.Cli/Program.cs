// orleanshub: the registry operator's command-line tool.
//   generate  writes a deterministic synthetic population as NDJSON or CSV   (Commands/GenerateCommand.cs)
//   import    streams an NDJSON or CSV file to POST /admin/citizens/import   (Commands/ImportCommand.cs)
// Exit codes: 0 done, 1 transport or HTTP failure, 2 bad arguments          (Commands/ExitCodes.cs)
using OrleansHub.Cli.Commands;

return await HubCommandLine.InvokeAsync(args);
