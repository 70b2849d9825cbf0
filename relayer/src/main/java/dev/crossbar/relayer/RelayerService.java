package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.core.model.RoutingKey;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.messaging.ConsumerLoop;
import dev.crossbar.messaging.DeadLetters;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.ReadResult;
import dev.crossbar.messaging.RecordHeaders;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.store.MessageStore;
import dev.crossbar.txmanager.TxManager;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * The relayer: a member of a Kafka consumer group on the messages topic. The partitions it owns decide the
 * routing keys ({@code <destination>:<slot>}) it delivers for; each owned key gets a worker with that slot's
 * signing key. On a rebalance, a key's old owner stops its worker (waiting for the round in flight) before the
 * partition is released, and the new owner reconciles the signer's nonce with the chain before it sends: a
 * signing key has one writer at a time.
 *
 * <p>The records are wake-up calls: the store holds the messages' state, which was made durable before the
 * record was published, so offsets are committed as soon as the workers are woken. The consumer is a
 * {@link ConsumerLoop} ({@code relayer-consumer}): a record that is not a {@value RecordHeaders#MESSAGE_SCHEMA}
 * record goes to the dead-letter topic, and a failure of the consumer releases every key until the loop's next life.
 */
public final class RelayerService implements Service {
    private static final Logger log = LoggerFactory.getLogger(RelayerService.class);

    private final MessageStore store;
    private final Chains chains;
    private final Map<Long, List<Credentials>> signers;
    private final RelayerSettings settings;
    private final KafkaClients kafka;
    private final TopicsConfig topics;
    private final RelayerMetrics metrics;
    /** Partitions of the messages topic, as read at the last assignment (the consumer thread's only). */
    private int partitionCount = 1;
    private final Map<String, Runner> runners = new ConcurrentHashMap<>();
    private ConsumerLoop<String> loop;
    private Producer<String, byte[]> deadLetterProducer;

    public RelayerService(MessageStore store, Chains chains, Map<Long, List<Credentials>> signers,
            RelayerSettings settings, KafkaClients kafka, TopicsConfig topics, RelayerMetrics metrics) {
        this.store = store;
        this.chains = chains;
        this.signers = Map.copyOf(signers);
        this.settings = settings;
        this.kafka = kafka;
        this.topics = topics;
        this.metrics = metrics;
        for (var e : this.signers.entrySet()) {
            if (e.getValue().size() < settings.signerSlots()) {
                throw new IllegalArgumentException("relayer: chain " + chains.name(e.getKey()) + " has "
                        + e.getValue().size() + " signing keys, fewer than signerSlots=" + settings.signerSlots());
            }
            chains.client(e.getKey());
        }
    }

    @Override
    public String name() {
        return "relayer";
    }

    /** The routing keys this instance delivers for now. */
    public Set<String> ownedKeys() {
        return Set.copyOf(runners.keySet());
    }

    /** Wakes every worker: look for due work now. */
    public void wakeAll() {
        runners.values().forEach(Runner::wake);
    }

    /** How the consumer loop is started again after a failure (a broker gone, a fenced member). */
    private static final Backoff RESTART = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);

    @Override
    public Future<Void> start() {
        String topic = topics.messages().name();
        deadLetterProducer = kafka.bytesProducer();
        loop = ConsumerLoop.named("relayer-consumer", RelayerService::wakeUpCall)
                .consumers(() -> kafka.staticMemberBytesConsumer(settings.group(), settings.instanceId(),
                        settings.sessionTimeout()), List.of(topic))
                .handler(record -> wakeAll())
                .deadLetters(new DeadLetters(deadLetterProducer, topics))
                .listener(new ConsumerLoop.Listener() {
                    @Override
                    public void assigned(Consumer<String, byte[]> consumer, Collection<TopicPartition> partitions) {
                        partitionCount = consumer.partitionsFor(topic).size();
                        acquire(consumer.assignment(), partitionCount);
                    }

                    @Override
                    public void revoked(Collection<TopicPartition> partitions) {
                        release(partitions, "revoked");
                    }

                    @Override
                    public void lost(Collection<TopicPartition> partitions) {
                        release(partitions, "lost");
                    }
                })
                .restart(RESTART, metrics.registry())
                .build();
        metrics.consumerLag(loop::currentConsumer, topic);
        loop.start();
        return Future.succeededFuture();
    }

    /** A record of the messages topic, read as what it is to the relayer: a call to look for due work. */
    private static ReadResult<String> wakeUpCall(ConsumerRecord<String, byte[]> record) {
        String schema = RecordHeaders.lastValue(record.headers(), RecordHeaders.SCHEMA).orElse(null);
        if (!RecordHeaders.MESSAGE_SCHEMA.equals(schema)) {
            return new ReadResult.Rejected<>("not a " + RecordHeaders.MESSAGE_SCHEMA + " record (schema header "
                    + (schema == null ? "missing" : "'" + schema + "'") + ")", record);
        }
        return new ReadResult.Valid<>(record.key(), record);
    }

    private void acquire(Set<TopicPartition> assignment, int partitions) {
        Set<Integer> owned = new HashSet<>();
        assignment.forEach(tp -> owned.add(tp.partition()));
        for (long dest : signers.keySet()) {
            for (int slot = 0; slot < settings.signerSlots(); slot++) {
                String key = RoutingKey.of(dest, slot);
                int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
                if (owned.contains(partition) && !runners.containsKey(key)) {
                    Credentials credentials = signers.get(dest).get(slot);
                    TxManager signer = new TxManager(chains.client(dest), credentials, settings.fees(), store,
                            settings.confirmations(), metrics.transactions());
                    Runner r = new Runner(new RelayWorker(dest, slot, signer, store, chains, settings, metrics));
                    runners.put(key, r);
                    r.start();
                    log.info("relayer took over key={} partition={} signer={}", key, partition, credentials.getAddress());
                }
            }
        }
    }

    private void release(Collection<TopicPartition> partitions, String why) {
        if (partitions.isEmpty()) {
            return;
        }
        // The count read at assignment: asking the broker here would block a close while the broker is down.
        int total = partitionCount;
        Set<Integer> gone = new HashSet<>();
        partitions.forEach(tp -> gone.add(tp.partition()));
        for (var e : List.copyOf(runners.entrySet())) {
            int partition = Utils.toPositive(Utils.murmur2(e.getKey().getBytes(StandardCharsets.UTF_8))) % total;
            if (gone.contains(partition)) {
                e.getValue().stop();
                runners.remove(e.getKey());
                log.info("relayer released key={} partition={} ({})", e.getKey(), partition, why);
            }
        }
    }

    /** Stops consuming and every worker after its round in flight; waits off the caller's thread. */
    @Override
    public Future<Void> stop() {
        ConsumerLoop<String> l = loop;
        if (l == null) {
            return Future.succeededFuture();
        }
        return Future.future(done -> Thread.ofVirtual().name("relayer-stop").start(() -> {
            l.stop(Duration.ofSeconds(30));
            deadLetterProducer.close(Duration.ofSeconds(5));
            done.complete();
        }));
    }

    /** Runs one worker on its own virtual thread: a round every tick, or at once when woken. */
    private final class Runner {
        private final RelayWorker worker;
        private final Semaphore wake = new Semaphore(0);
        private volatile boolean active = true;
        private Thread thread;

        Runner(RelayWorker worker) {
            this.worker = worker;
        }

        void start() {
            thread = Thread.ofVirtual().name("relayer-" + worker.routingKey()).start(() -> {
                boolean ready = false;
                while (active) {
                    try {
                        if (!ready) {
                            worker.takeOver();
                            ready = true;
                        }
                        worker.runOnce();
                    } catch (RuntimeException e) {
                        log.warn("relayer round failed key={} error={}", worker.routingKey(), e.toString());
                    }
                    try {
                        wake.tryAcquire(settings.tick().toMillis(), TimeUnit.MILLISECONDS);
                        wake.drainPermits();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void wake() {
            wake.release();
        }

        /** Stops after the round in flight; returns once it has. */
        void stop() {
            active = false;
            wake.release();
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
