using EngagementMetrics.InMemory;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EngagementMetrics.Tests;

public class DependencyInjectionTests
{
    [Fact]
    public async Task AddEngagementMetrics_UseInMemoryStore_ResolvesOneEngineOverOneStore()
    {
        var services = new ServiceCollection();
        services.AddEngagementMetrics(o => o.MaxPeriodDays = 31).UseInMemoryStore();
        services.AddEngagementMetrics().UseInMemoryStore();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetRequiredService<IInteractionStore>().Should().BeSameAs(provider.GetRequiredService<InMemoryInteractionStore>());
        provider.GetRequiredService<EngagementEngine>().Should().BeSameAs(provider.GetRequiredService<EngagementEngine>());
        provider.GetRequiredService<IOptions<EngagementMetricsOptions>>().Value.MaxPeriodDays.Should().Be(31);
        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
        services.Count(d => d.ServiceType == typeof(IInteractionStore)).Should().Be(1);
    }

    [Fact]
    public void InvalidOptions_FailAtStartWithTheFieldNamed()
    {
        var services = new ServiceCollection();
        services.AddEngagementMetrics(o => o.MaxPeriodDays = 0).UseInMemoryStore();
        using var provider = services.BuildServiceProvider();
        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();
        act.Should().Throw<OptionsValidationException>().WithMessage("*MaxPeriodDays*0*");
    }

    [Fact]
    public void InMemoryStoreOptions_GoThroughIOptions_AndAreValidatedAtStart()
    {
        var services = new ServiceCollection();
        services.AddEngagementMetrics().UseInMemoryStore(o => o.ChunkSize = 8);
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();
        act.Should().Throw<OptionsValidationException>().WithMessage("InMemoryStoreOptions.ChunkSize 8 is out of range: expected 16 to 16,777,216.");

        var valid = new ServiceCollection();
        valid.AddEngagementMetrics().UseInMemoryStore(o => o.ChunkSize = 1_024);
        valid.Configure<InMemoryStoreOptions>(o => o.ChunkSize *= 2);
        using var configured = valid.BuildServiceProvider();
        configured.GetRequiredService<IStartupValidator>().Validate();
        configured.GetRequiredService<IOptions<InMemoryStoreOptions>>().Value.ChunkSize.Should().Be(2_048, "later configuration applies, as for every options type");
    }

    [Fact]
    public void MissingStore_GivesAClearError()
    {
        var services = new ServiceCollection();
        services.AddEngagementMetrics();
        using var provider = services.BuildServiceProvider();
        var act = () => provider.GetRequiredService<EngagementEngine>();
        act.Should().Throw<InvalidOperationException>().WithMessage("*UseInMemoryStore()*");
    }
}
