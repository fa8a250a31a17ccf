using System.CommandLine;
using EngagementMetrics.Json;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Cli;

/// <summary>
/// The options of every question about one bot over local dates (<c>trend</c>, <c>lifecycle</c>, <c>retention</c>):
/// where the events are (<c>--events</c> or <c>--store</c>, <c>--lenient</c>), the bot, the period, the zone and the
/// filters; a command adds its own options that the binder reads (<see cref="AddValue"/>). <see cref="AskAsync"/> binds
/// them all, opens the source and asks the engine, errors naming the options as typed.
/// </summary>
internal sealed class PeriodOptions
{
    public const string StartDate = "--start-date";
    public const string EndDate = "--end-date";
    public const string TimeZone = "--time-zone";
    public const string Channels = "--channels";
    public const string ConversationType = "--conversation-type";
    public const string ConversationStatus = "--conversation-status";
    private const string Bot = "--bot";

    private readonly Option<string?> _events = new("--events") { Description = "JSON Lines file of interaction events (read into memory), or - for standard input." };
    private readonly Option<string?> _store = new("--store") { Description = "Read from a store instead: sqlite:PATH or postgres:CONNECTION_STRING." };
    private readonly Option<string> _bot = new(Bot) { Description = "Bot (stream) id.", Required = true };
    private readonly Option<bool> _lenient = new("--lenient") { Description = "Skip bad lines of the events file (a warning each) instead of refusing the file." };

    // Every option whose value the binder reads, by its name.
    private readonly List<Option<string?>> _values =
    [
        new(StartDate) { Description = "First local date, YYYY-MM-DD.", Required = true },
        new(EndDate) { Description = "Last local date, YYYY-MM-DD (inclusive).", Required = true },
        new(TimeZone) { Description = "IANA or Windows zone, UTC, or an offset such as +05:30. Default UTC." },
        new(Channels) { Description = "Comma-separated channels; empty or All means every channel." },
        new(ConversationType) { Description = "all (default), interactive or \"non interactive\"." },
        new(ConversationStatus) { Description = "all (default), active or closed." },
    ];

    private PeriodOptions()
    {
    }

    /// <summary>The names a binder reads the options by, with the command's own aggregation option.</summary>
    public static TrendParameterNames Names(string aggregation) => new(StartDate, EndDate, aggregation, Channels, TimeZone, ConversationType, ConversationStatus);

    /// <summary>Adds the source, bot, period, zone and filter options to a command.</summary>
    public static PeriodOptions AddTo(Command command)
    {
        var options = new PeriodOptions();
        command.Add(options._events);
        command.Add(options._store);
        command.Add(options._bot);
        foreach (var option in options._values)
        {
            command.Add(option);
        }

        command.Add(options._lenient);
        return options;
    }

    /// <summary>Adds an option of the command's own that the binder reads by its name (an aggregation, an interval).</summary>
    public void AddValue(Command command, string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        _values.Add(option);
        command.Add(option);
    }

    /// <summary>
    /// Binds the query from the options (a bad value is refused before anything is read), opens the events file or the
    /// store, and asks the engine. A bot without events and the engine's validation errors become errors about the
    /// option that gave the value.
    /// </summary>
    /// <param name="parse">The command line.</param>
    /// <param name="stderr">Where the lenient reader's warnings go.</param>
    /// <param name="bind">The binder: the bot and a value by option name to the query.</param>
    /// <param name="ask">The engine's question.</param>
    /// <param name="inWireTerms">The binder's renaming of an engine error about the query to the options' names.</param>
    /// <param name="cancellationToken">Cancels reading and the scan.</param>
    public async Task<TResult> AskAsync<TQuery, TResult>(
        ParseResult parse,
        TextWriter stderr,
        Func<string, Func<string, string?>, TQuery> bind,
        Func<EngagementEngine, TQuery, CancellationToken, ValueTask<TResult>> ask,
        Func<EngagementValidationException, TQuery, EngagementValidationException> inWireTerms,
        CancellationToken cancellationToken)
        where TQuery : PeriodQuery
    {
        var values = _values.ToDictionary(o => o.Name, o => parse.GetValue(o), StringComparer.Ordinal);
        var query = bind(parse.GetValue(_bot)!, name => values.GetValueOrDefault(name));
        await using var source = await QuerySource.OpenAsync(parse.GetValue(_events), parse.GetValue(_store), parse.GetValue(_lenient), stderr, cancellationToken);
        try
        {
            return await ask(new EngagementEngine(source.Store), query, cancellationToken);
        }
        catch (BotNotFoundException)
        {
            throw new EngagementValidationException(Bot, query.BotId, $"invalid {Bot} '{query.BotId}': {source.Name} has no event of that bot");
        }
        catch (EngagementValidationException ex)
        {
            var named = inWireTerms(ex, query);
            var option = named.ParameterName == nameof(PeriodQuery.BotId) ? Bot : named.ParameterName;
            throw EngagementCli.AsOption(named, option, values.GetValueOrDefault(option) ?? named.Value);
        }
    }
}
