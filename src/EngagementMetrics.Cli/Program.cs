using EngagementMetrics.Cli;

return await EngagementCli.RunAsync(args, Console.Out, Console.Error);
