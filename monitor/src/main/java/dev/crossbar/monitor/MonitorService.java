package dev.crossbar.monitor;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.messaging.DeadLetters;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.monitor.act.ActionSender;
import dev.crossbar.monitor.act.Actors;
import dev.crossbar.monitor.act.Challenger;
import dev.crossbar.monitor.act.DepositReclaimer;
import dev.crossbar.monitor.act.FindingReporter;
import dev.crossbar.monitor.act.ForcedExits;
import dev.crossbar.monitor.act.GamePlayer;
import dev.crossbar.monitor.act.GameResolver;
import dev.crossbar.monitor.act.Responder;
import dev.crossbar.monitor.alert.AlertDispatcher;
import dev.crossbar.monitor.alert.WebhookSink;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.monitor.check.ChallengerFunds;
import dev.crossbar.monitor.check.GameChecks;
import dev.crossbar.monitor.check.GameGauges;
import dev.crossbar.monitor.check.OutputChecks;
import dev.crossbar.monitor.check.OutputWindows;
import dev.crossbar.monitor.check.ProposerLiveness;
import dev.crossbar.monitor.check.Windows;
import dev.crossbar.monitor.feed.EventFeed;
import dev.crossbar.store.MessageStore;
import dev.crossbar.txmanager.TxMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * The monitor (watchtower): checks everything the rollup operators post and acts inside the challenge window.
 *
 * <p>It is a member of its own consumer group on the events topic ({@link EventFeed}): every proven withdrawal,
 * finalization, cross-rollup relay and deposit starts a check. A periodic patrol covers what events cannot tell:
 * output roots (from the store, with their proposal times, so deadlines survive restarts), chain heads (halts,
 * reorgs, its own lag), proposer liveness, window deadlines and exits (escape mode on output-oracle chains, forced
 * withdrawals of the watched accounts on dispute-game chains). Findings go to the store, the
 * metrics and the webhooks; misbehaviour trips the chain's breaker and pauses its Portal; bad outputs are deleted
 * with the challenger key.
 */
public final class MonitorService implements Service {
    private static final Logger log = LoggerFactory.getLogger(MonitorService.class);


    private final MonitorSettings settings;
    private final MonitoredChains chains;
    private final MessageStore store;
    private final KafkaClients kafka;
    private final TopicsConfig topics;
    private final Vertx vertx;
    private final MeterRegistry meters;
    private final Map<Actors.Role, Credentials> keys;
    private final List<Credentials> exitAccounts;
    private final Clock clock;
    private List<WebhookSink> sinks;
    private AlertDispatcher alerts;
    private Producer<String, byte[]> deadLetterProducer;
    private volatile EventFeed feed;
    private volatile Patrol patrol;
    private FindingReporter reporter;

    /**
     * Its group membership comes from the settings: a static member ({@link MonitorSettings#instanceId()}, stable
     * across restarts, so that a restarted monitor has its partitions back at once) or a dynamic one.
     *
     * @param keys the monitor's keys by role (roles without a key only alert); they go nowhere but into the signers
     * @param exitAccounts the keys of the watched accounts, whose funds it takes out through L1 with forced
     *     withdrawals when their L2 censors deposits or halts; they go nowhere but into their signers
     */
    public MonitorService(MonitorSettings settings, MonitoredChains chains, MessageStore store, KafkaClients kafka,
            TopicsConfig topics, Vertx vertx, MeterRegistry meters, Map<Actors.Role, Credentials> keys,
            List<Credentials> exitAccounts, Clock clock) {
        this.settings = settings;
        this.chains = chains;
        this.store = store;
        this.kafka = kafka;
        this.topics = topics;
        this.vertx = vertx;
        this.meters = meters;
        this.keys = Map.copyOf(keys);
        this.exitAccounts = List.copyOf(exitAccounts);
        this.clock = clock;
    }

    /** A monitor that watches no account for exits. */
    public MonitorService(MonitorSettings settings, MonitoredChains chains, MessageStore store, KafkaClients kafka,
            TopicsConfig topics, Vertx vertx, MeterRegistry meters, Map<Actors.Role, Credentials> keys, Clock clock) {
        this(settings, chains, store, kafka, topics, vertx, meters, keys, List.of(), clock);
    }

    @Override
    public String name() {
        return "monitor";
    }

    /** The findings this monitor knows to be open (for tests and the status). */
    public FindingReporter findings() {
        return reporter;
    }

    /** Event checks still running or waiting (0 before start). */
    public int pendingChecks() {
        EventFeed f = feed;
        return f == null ? 0 : f.pendingChecks();
    }

    /** The head of {@code chainId} as the monitor last saw it (-1 before it looked). */
    public long seenHead(long chainId) {
        Patrol p = patrol;
        return p == null ? -1 : p.seenHead(chainId);
    }

    @Override
    public synchronized Future<Void> start() {
        MonitorMetrics metrics = new MonitorMetrics(meters);
        sinks = settings.alerts().webhooks().stream().map(w -> new WebhookSink(vertx, w,
                settings.alerts().generatorUrl())).toList();
        alerts = new AlertDispatcher(sinks, settings.alerts(), metrics);
        List<EthApi> l1s = chains.all().stream().filter(c -> c.role() == ChainRole.L1)
                .map(c -> chains.client(c.chainId())).toList();
        Actors actors = new Actors(keys, exitAccounts, l1s, store, settings.fees(), metrics,
                new TxMetrics(meters, "monitor"));
        ForcedExits exits = new ForcedExits(chains, store, actors);
        Responder responder = new Responder(chains, store, actors, settings, exits);
        reporter = new FindingReporter(store, chains, metrics, alerts, responder, clock);
        responder.reportTo(reporter);
        exits.reportTo(reporter);
        Windows windows = new Windows(chains);
        SelfLag selfLag = new SelfLag(reporter, metrics, settings.maxLagBlocks(), settings.lagGrace(), clock);
        deadLetterProducer = kafka.bytesProducer();
        Patrol[] patrolRef = new Patrol[1];
        feed = new EventFeed(() -> kafka.staticMemberBytesConsumer(settings.group(),
                settings.instanceId(), settings.sessionTimeout()), topics.events().name(), chains, settings, windows,
                reporter, metrics, new DeadLetters(deadLetterProducer, topics), () -> patrolRef[0].wake(), SupervisedLoop.RESTART,
                meters, clock);
        OutputChecks outputs = new OutputChecks(chains, store, windows, reporter, settings.endpointLagTolerance(),
                settings.challengeMargin(), clock);
        LongFunction<String> challengerOf = l1 -> actors.of(Actors.Role.CHALLENGER, l1).map(ActionSender::address)
                .orElse(null);
        GameChecks games = new GameChecks(chains, store, reporter, settings.endpointLagTolerance(),
                settings.challengeMargin(), challengerOf, l1 -> actors.of(Actors.Role.GUARDIAN, l1), windows, clock);
        GameGauges gauges = new GameGauges(chains, store, actors, windows, metrics);
        patrol = new Patrol(new Patrol.Parts(settings, chains, store, feed, reporter, outputs, games,
                new GamePlayer(chains, store, actors, settings), new GameResolver(chains, store, actors),
                gauges, new ChallengerFunds(chains, store, reporter, gauges, windows, challengerOf,
                        settings.alphabetGameTypes()),
                new OutputWindows(chains, store, windows, outputs, reporter, settings.challengeMargin()),
                new Challenger(chains, store, windows, actors, reporter),
                new ProposerLiveness(chains, windows, reporter), responder,
                new DepositReclaimer(chains, store, actors, responder, reporter, settings.reopenForExits()), exits, actors,
                selfLag, metrics, clock), meters);
        patrolRef[0] = patrol;
        patrol.start();
        feed.start();
        log.info("monitor started group={} chains={} webhooks={} roles={} watchedAccounts={} tickMs={}",
                settings.group(), chains.all().stream().map(c -> c.name()).toList(),
                sinks.stream().map(WebhookSink::describe).toList(), keys.keySet(), exitAccounts.size(),
                settings.tick().toMillis());
        return Future.succeededFuture();
    }

    /**
     * Stops the event feed and the patrol, waiting for their threads (a round may be inside an RPC call) on a thread
     * of its own: the caller may be an event loop, and one blocked here would hold up the very answers the patrol
     * waits for.
     */
    @Override
    public Future<Void> stop() {
        return Future.future(done -> Thread.ofPlatform().name("monitor-stop").start(() -> {
            stopNow();
            done.complete();
        }));
    }

    private synchronized void stopNow() {
        if (feed != null) {
            feed.stop(Duration.ofSeconds(15));
        }
        if (patrol != null) {
            patrol.stop();
        }
        if (alerts != null) {
            alerts.close();
        }
        if (sinks != null) {
            sinks.forEach(WebhookSink::close);
        }
        if (deadLetterProducer != null) {
            deadLetterProducer.close(Duration.ofSeconds(5));
        }
        log.info("monitor stopped");
    }

}
