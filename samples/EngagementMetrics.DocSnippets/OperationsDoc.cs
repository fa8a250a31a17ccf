namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of docs/operations.md.</summary>
internal static class OperationsDoc
{
    public static void Register(IServiceCollection services)
    {
        #region register
        services.AddEngagementMetrics(o => o.MaxPeriodDays = 366)   // options, validated at start
                .UseInMemoryStore();                                  // or .UseSqlite(...), .UsePostgreSql(...)
        #endregion
    }
}
