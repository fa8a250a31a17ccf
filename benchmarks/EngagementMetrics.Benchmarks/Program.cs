using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using EngagementMetrics.Benchmarks;

// Console modes that are not BenchmarkDotNet runs.
switch (args)
{
    case ["retained-memory", .. var rest]:
        return IngestModes.RetainedMemory(rest);
    case ["ingest-data", .. var rest]:
        return await IngestModes.DescribeDataAsync(rest);
}

// Without a server the PostgreSQL benchmarks are left out of the run instead of failing it.
IConfig config = DefaultConfig.Instance;
if (!SqlBench.HasPostgres)
{
    Console.WriteLine("// EM_POSTGRES_CONNECTION is not set: the PostgreSQL benchmarks (category PostgreSQL, or Store=postgres) are skipped.");
    config = config.AddFilter(new SimpleFilter(benchmark => !SqlBench.NeedsPostgres(benchmark)));
}

if (!ShardedBench.HasServers)
{
    Console.WriteLine("// EM_POSTGRES_SHARDED_CONNECTION or EM_POSTGRES_SHARD_CONNECTIONS is not set: the sharded benchmarks (category Sharded) are skipped.");
    config = config.AddFilter(new SimpleFilter(benchmark => !benchmark.Descriptor.Categories.Contains(ShardedBench.Category, StringComparer.Ordinal)));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
return 0;
