using Nimbus.Cli;

return await CliApp.RunAsync(args);
