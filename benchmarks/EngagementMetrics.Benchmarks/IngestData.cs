using System.Globalization;
using System.Text;

namespace EngagementMetrics.Benchmarks;

/// <summary>
/// One event of the ingest benchmarks, already in the columns of the events table (what the ceilings insert; parsing
/// is not part of a ceiling). <see cref="Seq"/> numbers each bot's events from 0 in file order, as the stores do.
/// </summary>
internal readonly record struct IngestRow(
    string BotId,
    long Seq,
    string EventId,
    string AccountId,
    string UserId,
    string ConversationId,
    long UtcTicks,
    string Kind,
    string Channel,
    bool? IntentMatched,
    bool? Fallback,
    string? Goal,
    bool? Error,
    string? Tag);

/// <summary>
/// The ingest benchmarks' data: a deterministic (seeded), realistic bot log of N events as JSON Lines on disk, written
/// once into a cache directory and reused, and the very same rows in memory for the ceilings.
/// </summary>
/// <remarks>
/// <para>The log: 50,000 users talking to 3 bots (two share an account) on rtm, slack, msteams and whatsapp, over about
/// 30 days from 2025-06-01 UTC, more by day than by night and on weekdays than at weekends. A conversation has 2 to 12
/// events: a user message (<c>message_in</c>, <c>intentMatched</c> true or false) or button press (<c>action_in</c>),
/// the bot's reply (<c>message_out</c>, with <c>fallback</c> mostly after a missed intent), sometimes an
/// <c>api_request</c> (a few with <c>error: true</c>), a <c>tag_hit</c> or a <c>goal_reached</c>, occasionally a
/// handover (<c>handover_requested</c>, <c>agent_joined</c>, then <c>agent_message</c> replies), and usually a final
/// <c>conversation_closed</c>. Conversations overlap; the file is in timestamp order, interleaved.</para>
/// <para>Ids: conversations <c>c-{n:x8}</c>, users <c>u-{n:D5}</c>, events <c>{conversationId}|{seq:D7}</c> (the
/// shape of Bot Framework activity ids, so ids of one conversation are close together). Timestamps have
/// milliseconds and are written as RFC 3339 UTC (<c>2025-06-01T10:00:00.123Z</c>).</para>
/// <para>Change <see cref="FormatVersion"/> whenever the output changes, so cached files are not reused.</para>
/// </remarks>
internal static class IngestData
{
    public const int Seed = 20250601;
    public const int FormatVersion = 1;
    public const int Users = 50_000;
    public const int Days = 30;

    /// <summary>The sizes of the real runs; <c>EM_INGEST_EVENTS</c> (e.g. <c>20000</c> or <c>20000,50000</c>) overrides them.</summary>
    public static readonly int[] DefaultEventCounts = [1_000_000, 10_000_000];

    public static readonly DateTime Start = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly (string Bot, string Account, double Share)[] Bots =
    [
        ("st-support", "acct-contoso", 0.5),
        ("st-sales", "acct-contoso", 0.3),
        ("st-faq", "acct-fabrikam", 0.2),
    ];

    private static readonly (string Channel, double Share)[] Channels = [("rtm", 0.4), ("slack", 0.2), ("msteams", 0.2), ("whatsapp", 0.2)];

    private static readonly double[] BotShares = [.. Bots.Select(b => b.Share)];
    private static readonly double[] ChannelShares = [.. Channels.Select(c => c.Share)];

    // Weights of conversation lengths 2..12 (events, including the closing event).
    private static readonly int[] LengthWeights = [10, 12, 14, 14, 12, 10, 8, 7, 5, 4, 4];

    private static readonly string[] Goals = ["order_placed", "ticket_created", "appointment_booked", "refund_issued"];
    private static readonly string[] Tags = ["billing", "shipping", "complaint", "vip", "returns", "password_reset"];

    /// <summary>The event counts to benchmark: <c>EM_INGEST_EVENTS</c> when set, else 1M and 10M.</summary>
    public static IEnumerable<int> EventCounts() => CountsFromEnvironment("EM_INGEST_EVENTS", DefaultEventCounts);

    /// <summary>
    /// Event counts from the environment variable <paramref name="name"/> (comma separated, <c>_</c> allowed as a digit
    /// separator), or <paramref name="defaults"/> when it is not set. Shared by every benchmark's size parameter.
    /// </summary>
    public static IReadOnlyList<int> CountsFromEnvironment(string name, IReadOnlyList<int> defaults)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaults;
        }

        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            counts.Add(int.TryParse(part.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new InvalidOperationException($"{name}='{text}': expected positive event counts separated by commas, e.g. 20000 or 1000000,10000000."));
        }

        return counts;
    }

    /// <summary>Where the generated files are kept: <c>$EM_BENCH_DIR/ingest-data</c> (default <c>/tmp/em-bench/ingest-data</c>).</summary>
    public static string CacheDirectory => Path.Combine(SqlBench.Directory, "ingest-data");

    /// <summary>The JSON Lines file of <paramref name="events"/> events: written on first use, reused afterwards.</summary>
    public static string EnsureFile(int events)
    {
        Directory.CreateDirectory(CacheDirectory);
        var path = Path.Combine(CacheDirectory, string.Create(CultureInfo.InvariantCulture, $"events-{events}-seed{Seed}-v{FormatVersion}.jsonl"));
        if (File.Exists(path))
        {
            return path;
        }

        // Written under a temporary name and renamed, so a file that exists is complete.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var partial = path + "." + Environment.ProcessId + ".partial";
        using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 20))
        {
            var line = new StringBuilder(256);
            foreach (var row in Generate(events))
            {
                line.Clear();
                AppendJson(line, row);
                writer.Write(line);
                writer.Write('\n');
            }
        }

        File.Move(partial, path, overwrite: true);
        Console.WriteLine($"// ingest data: wrote {events:N0} events to {path} ({new FileInfo(path).Length / 1e6:N1} MB) in {watch.Elapsed.TotalSeconds:N1} s");
        return path;
    }

    /// <summary>The same events as the file of <paramref name="events"/> events, as table rows in memory.</summary>
    public static IngestRow[] Rows(int events)
    {
        var rows = new IngestRow[events];
        var i = 0;
        foreach (var row in Generate(events))
        {
            rows[i++] = row;
        }

        return rows;
    }

    /// <summary>One line of the file (no newline), as the generator writes it.</summary>
    public static void AppendJson(StringBuilder line, IngestRow row)
    {
        // Every value is generated ASCII without quotes or backslashes: nothing needs escaping.
        line.Append("{\"eventId\":\"").Append(row.EventId)
            .Append("\",\"accountId\":\"").Append(row.AccountId)
            .Append("\",\"botId\":\"").Append(row.BotId)
            .Append("\",\"userId\":\"").Append(row.UserId)
            .Append("\",\"conversationId\":\"").Append(row.ConversationId)
            .Append("\",\"timestamp\":\"").Append(new DateTime(row.UtcTicks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
            .Append("\",\"channel\":\"").Append(row.Channel)
            .Append("\",\"kind\":\"").Append(row.Kind).Append('"');
        if (row.IntentMatched is { } intent)
        {
            line.Append(",\"intentMatched\":").Append(intent ? "true" : "false");
        }

        if (row.Fallback is { } fallback)
        {
            line.Append(",\"fallback\":").Append(fallback ? "true" : "false");
        }

        if (row.Goal is { } goal)
        {
            line.Append(",\"goal\":\"").Append(goal).Append('"');
        }

        if (row.Error is { } error)
        {
            line.Append(",\"error\":").Append(error ? "true" : "false");
        }

        if (row.Tag is { } tag)
        {
            line.Append(",\"tag\":\"").Append(tag).Append('"');
        }

        line.Append('}');
    }

    /// <summary>
    /// The log, in timestamp order: conversations start one after another (random gaps, denser by day), their events
    /// are planned when they start, and a priority queue interleaves the events of the conversations in progress.
    /// Exactly <paramref name="events"/> events; every conversation has 2 to 12 (a 1-event log excepted).
    /// </summary>
    public static IEnumerable<IngestRow> Generate(int events)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(events);
        var random = new Random(Seed);
        var meanLength = LengthWeights.Select((w, i) => w * (i + 2.0)).Sum() / LengthWeights.Sum();
        var meanGapTicks = TimeSpan.FromDays(Days).Ticks / (events / meanLength);
        var userNames = new string?[Users];
        var seqOfBot = new long[Bots.Length];
        var active = new PriorityQueue<Conversation, (long Ticks, long Number)>();
        var nextStart = Start.Ticks;
        long conversations = 0;
        var planned = 0;
        var emitted = 0;

        while (emitted < events)
        {
            if (planned < events && (active.Count == 0 || nextStart <= active.Peek().NextTicks))
            {
                // Conversation lengths add up to exactly `events`, never leaving a 1-event remainder.
                var remaining = events - planned;
                var length = DrawLength(random);
                if (length > remaining || remaining - length == 1)
                {
                    length = remaining <= 12 ? remaining : remaining - 2;
                }

                var conversation = Plan(random, conversations++, nextStart, length, userNames);
                planned += length;
                active.Enqueue(conversation, (conversation.NextTicks, conversation.Number));
                nextStart += NextGap(random, nextStart, meanGapTicks);
                continue;
            }

            var current = active.Dequeue();
            var planEvent = current.Events[current.Next++];
            var bot = current.Bot;
            yield return new IngestRow(
                Bots[bot].Bot,
                seqOfBot[bot]++,
                current.Id + "|" + (current.Next - 1).ToString("D7", CultureInfo.InvariantCulture),
                Bots[bot].Account,
                current.User,
                current.Id,
                planEvent.Ticks,
                planEvent.Kind,
                current.Channel,
                planEvent.IntentMatched,
                planEvent.Fallback,
                planEvent.Goal,
                planEvent.Error,
                planEvent.Tag);
            emitted++;
            if (current.Next < current.Events.Count)
            {
                active.Enqueue(current, (current.NextTicks, current.Number));
            }
        }
    }

    private static int DrawLength(Random random)
    {
        var pick = random.Next(LengthWeights.Sum());
        for (var i = 0; i < LengthWeights.Length; i++)
        {
            pick -= LengthWeights[i];
            if (pick < 0)
            {
                return i + 2;
            }
        }

        return 12;
    }

    // Exponential gaps; more conversations by day (peak 14:00 UTC) and on weekdays. The factors average to about 1,
    // so the log spans about Days days.
    private static long NextGap(Random random, long atTicks, double meanGapTicks)
    {
        var at = new DateTime(atTicks, DateTimeKind.Utc);
        var hour = at.TimeOfDay.TotalHours;
        var daily = 1 + (0.6 * Math.Cos(2 * Math.PI * (hour - 14) / 24));
        var weekly = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.7 / 0.914 : 1 / 0.914;
        var gap = -Math.Log(1 - random.NextDouble()) * meanGapTicks / (daily * weekly);
        return Math.Max(1, (long)gap);
    }

    private static Conversation Plan(Random random, long number, long startTicks, int length, string?[] userNames)
    {
        // Some users come back far more often than others (user 0 most); a permutation spreads them over the ids.
        var userIndex = (int)(Users * Math.Pow(random.NextDouble(), 2));
        var userNumber = (int)((userIndex * 7919L) % Users);
        var user = userNames[userNumber] ??= "u-" + userNumber.ToString("D5", CultureInfo.InvariantCulture);
        var bot = Pick(random, BotShares);
        var channel = random.NextDouble() < 0.9 ? Channels[PreferredChannel(userNumber)].Channel : Channels[Pick(random, ChannelShares)].Channel;

        var close = length >= 3 && random.NextDouble() < 0.85;
        var body = close ? length - 1 : length;
        var handover = body >= 6 && random.NextDouble() < 0.08;
        var events = new List<PlanEvent>(length);
        var t = startTicks;
        var agent = false;
        var goalReached = false;
        var turn = 0;

        // Milliseconds only: the file's timestamps round-trip exactly.
        void Add(string kind, bool? intent = null, bool? fallback = null, string? goal = null, bool? error = null, string? tag = null)
        {
            events.Add(new PlanEvent(t - (t % TimeSpan.TicksPerMillisecond), kind, intent, fallback, goal, error, tag));
        }

        void Wait(double minSeconds, double maxSeconds) => t += (long)((minSeconds + (random.NextDouble() * (maxSeconds - minSeconds))) * TimeSpan.TicksPerSecond);

        while (events.Count < body)
        {
            // The user speaks: a message (NLP matched an intent or not) or a button press.
            bool? intent = null;
            if (turn == 0 || agent || random.NextDouble() < 0.75)
            {
                intent = agent ? null : random.NextDouble() < 0.85;
                Add("message_in", intent: intent);
            }
            else
            {
                Add("action_in");
            }

            turn++;
            if (events.Count < body && !agent && random.NextDouble() < 0.12)
            {
                Wait(0.1, 1.5);
                Add("api_request", error: random.NextDouble() < 0.05);
            }

            if (events.Count < body)
            {
                // The reply: the operator once one has joined, else the bot (its fallback mostly after a missed intent).
                Wait(0.3, 3);
                if (agent)
                {
                    Wait(5, 40);
                    Add("agent_message");
                }
                else
                {
                    Add("message_out", fallback: random.NextDouble() < (intent == false ? 0.7 : 0.03));
                }
            }

            if (events.Count < body && random.NextDouble() < 0.08)
            {
                Wait(0.05, 0.5);
                Add("tag_hit", tag: Tags[random.Next(Tags.Length)]);
            }

            if (events.Count < body && !goalReached && !agent && turn >= 2 && random.NextDouble() < 0.15)
            {
                Wait(0.05, 0.5);
                Add("goal_reached", goal: Goals[random.Next(Goals.Length)]);
                goalReached = true;
            }

            if (handover && !agent && body - events.Count >= 3)
            {
                Wait(1, 10);
                Add("handover_requested");
                Wait(20, 240);
                Add("agent_joined");
                Wait(5, 30);
                Add("agent_message");
                agent = true;
            }

            Wait(4, 90);
        }

        if (close)
        {
            Wait(60, 900);
            Add("conversation_closed");
        }

        return new Conversation(number, "c-" + number.ToString("x8", CultureInfo.InvariantCulture), bot, user, channel, events);
    }

    private static int PreferredChannel(int userNumber)
    {
        // A fixed channel per user, with the channel shares.
        var u = (userNumber * 2654435761u % 1000) / 1000.0;
        for (var i = 0; i < Channels.Length; i++)
        {
            u -= Channels[i].Share;
            if (u < 0)
            {
                return i;
            }
        }

        return Channels.Length - 1;
    }

    private static int Pick(Random random, double[] shares)
    {
        var u = random.NextDouble();
        for (var i = 0; i < shares.Length; i++)
        {
            u -= shares[i];
            if (u < 0)
            {
                return i;
            }
        }

        return shares.Length - 1;
    }

    private readonly record struct PlanEvent(long Ticks, string Kind, bool? IntentMatched, bool? Fallback, string? Goal, bool? Error, string? Tag);

    private sealed class Conversation(long number, string id, int bot, string user, string channel, List<PlanEvent> events)
    {
        public long Number { get; } = number;

        public string Id { get; } = id;

        public int Bot { get; } = bot;

        public string User { get; } = user;

        public string Channel { get; } = channel;

        public List<PlanEvent> Events { get; } = events;

        public int Next { get; set; }

        public long NextTicks => Events[Next].Ticks;
    }
}
