namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of docs/statistics.md.</summary>
internal static class StatisticsDoc
{
    public static async Task<string> ChatBusierAsync(IServiceProvider provider)
    {
        #region chat-busier
        var engine = provider.GetRequiredService<EngagementEngine>();
        var start = RocketChatParameters.ParseStart("2023-05-19T00:00:00.000Z");     // Rocket.Chat's own errors on bad input
        var hourly = await engine.GetChatBusierHourlyAsync("my-bot", start);          // default zone UTC
        var weekly = await engine.GetChatBusierWeeklyAsync("my-bot", start, TimeZoneParser.Parse("Europe/Berlin"));
        string json = RocketChatJson.SerializeHourly(hourly);                         // {"hours":[{"users":3,"hour":22},...],"success":true}
        #endregion
        return json + RocketChatJson.SerializeWeekly(weekly);
    }

    public static async Task<string> StatisticsAsync(IServiceProvider provider)
    {
        #region statistics
        var statistics = provider.GetRequiredService<StatisticsEngine>();     // "today" from the registered TimeProvider
        var result = await statistics.GetStatisticsAsync(new StatisticsQuery
        {
            AccountId = "acme",
            Bot = "*",                                                          // or one bot id
            Types = StatisticsParameters.ParseTypes("0,2,9", StatisticsScope.Account),
            GroupMode = StatisticsGroupMode.Day,                                // hour | day | month | year
            Days = 7,                                                           // 1 to 30: the last 7 local days, today included
            TimeZone = TimeZoneParser.Parse("Europe/Rome"),
        });
        string json = StatisticsJson.Serialize(result);
        #endregion
        return json;
    }

    public static async Task<string> StatisticsRowsAsync(IServiceProvider provider)
    {
        #region statistics-rows
        var statistics = provider.GetRequiredService<StatisticsEngine>();
        var result = await statistics.GetStatisticsAsync(new StatisticsQuery
        {
            AccountId = "acme",
            Bot = "*",
            Types = StatisticsParameters.ParseTypes("0,1,2,3,8,10", StatisticsScope.Account),
            Days = 2,
            Breakdown = StatisticsBreakdown.BotAndChannel,                     // also compute result.Rows
        });
        foreach (var row in result.Rows)                                        // periods, bots, channels, types
        {
            Console.WriteLine($"{row.Period} {row.Bot} {row.Channel} {row.Name}: {row.Value}");
        }

        string json = StatisticsJson.Serialize(result, StatisticsFormat.Rows);  // [{"GroupLabel":...},...]
        #endregion
        return json;
    }

    public static TimeSpan Throttle(IServiceProvider provider, string accountId)
    {
        #region throttle
        var throttle = provider.GetRequiredService<CallThrottle>();
        var limits = provider.GetRequiredService<IOptions<StatisticsThrottleOptions>>().Value;   // 1 h per account, 30 min per bot
        if (!throttle.TryAcquire("account:" + accountId, limits.AccountInterval, out var retryAfter))
        {
            // 429 with Retry-After: retryAfter.TotalSeconds
        }
        #endregion
        return retryAfter;
    }
}
