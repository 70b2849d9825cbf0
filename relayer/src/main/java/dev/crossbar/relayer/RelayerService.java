package dev.crossbar.relayer;

import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.core.model.RoutingKey;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.messaging.KafkaClients;
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
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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
 * record was published, so offsets are committed as soon as the workers are woken.
 */
public final class RelayerService implements Service {
    private static final Logger log = LoggerFactory.getLogger(RelayerService.class);

    private final MessageStore store;
    private final Network network;
    private final Map<Long, List<Credentials>> signers;
    private final RelayerSettings settings;
    private final KafkaClients kafka;
    private final TopicsConfig topics;
    private final RelayerMetrics metrics;
    /** Partitions of the messages topic, as read at the last assignment (the consumer thread's only). */
    private int partitionCount = 1;
    private final Map<String, Runner> runners = new ConcurrentHashMap<>();
    private volatile boolean running;
    private SupervisedLoop loop;
    private volatile Consumer<String, String> consumer;

    public RelayerService(MessageStore store, Network network, Map<Long, List<Credentials>> signers,
            RelayerSettings settings, KafkaClients kafka, TopicsConfig topics, RelayerMetrics metrics) {
        this.store = store;
        this.network = network;
        this.signers = Map.copyOf(signers);
        this.settings = settings;
        this.kafka = kafka;
        this.topics = topics;
        this.metrics = metrics;
        for (var e : this.signers.entrySet()) {
            if (e.getValue().size() < settings.signerSlots()) {
                throw new IllegalArgumentException("relayer: chain " + network.name(e.getKey()) + " has "
                        + e.getValue().size() + " signing keys, fewer than signerSlots=" + settings.signerSlots());
            }
            network.client(e.getKey());
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
        running = true;
        metrics.consumerLag(() -> consumer, topics.messages().name());
        loop = new SupervisedLoop("relayer-consumer", RESTART, metrics.registry(), l -> consume()).start();
        return Future.succeededFuture();
    }

    /**
     * One life of the consumer: a new member of the group, which holds the keys of the partitions it is assigned
     * until it is stopped or fails; a failure releases every key (another member, or the next life, takes them).
     */
    private void consume() {
        String topic = topics.messages().name();
        consumer = kafka.staticMemberConsumer(settings.group(), settings.instanceId(), settings.sessionTimeout());
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    release(partitions, "revoked");
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    release(partitions, "lost");
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitionCount = consumer.partitionsFor(topic).size();
                    acquire(consumer.assignment(), partitionCount);
                }
            });
            while (running) {
                var records = consumer.poll(Duration.ofMillis(250));
                if (!records.isEmpty()) {
                    wakeAll();
                    consumer.commitAsync();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            releaseAll();
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
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
                    TxManager signer = new TxManager(network.client(dest), credentials, settings.fees(), store,
                            settings.confirmations(), metrics.transactions());
                    Runner r = new Runner(new RelayWorker(dest, slot, signer, store, network, settings, metrics));
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

    private void releaseAll() {
        runners.values().forEach(Runner::stop);
        runners.clear();
    }

    /** Stops consuming and every worker after its round in flight; waits off the caller's thread. */
    @Override
    public Future<Void> stop() {
        running = false;
        Consumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        SupervisedLoop l = loop;
        if (l == null) {
            return Future.succeededFuture();
        }
        return Future.future(done -> Thread.ofVirtual().name("relayer-stop").start(() -> {
            l.stop(Duration.ofSeconds(30));
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
