package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.core.model.RoutingKey;
import dev.crossbar.messaging.ConsumerLoop;
import dev.crossbar.messaging.DeadLetters;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.ReadResult;
import dev.crossbar.messaging.RecordHeaders;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.store.FencedOff;
import dev.crossbar.store.KeyLease;
import dev.crossbar.store.MessageStore;
import dev.crossbar.txmanager.TxManager;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>The group's word is not enough for that: a member frozen or cut off past its session timeout does not know it
 * lost its partitions until it polls again. So a key is owned through a lease in the store ({@link KeyLease}: owner,
 * epoch, expiry), taken when the partition is assigned, renewed while the member polls, given back when the
 * partition is, and every transaction is recorded and broadcast only under the current one ({@link FencedOff}
 * otherwise). A holder that stopped renewing stops sending before its lease can pass to another instance; one
 * whose lease was taken is fenced off by the epoch.
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
    private volatile ConsumerLoop<String> loop;
    private Producer<String, byte[]> deadLetterProducer;
    /** This instance's name in key leases: its static member name, or one made for this process. */
    private final String owner;
    private SupervisedLoop renewals;
    private final Semaphore renewalWake = new Semaphore(0);

    public RelayerService(MessageStore store, Chains chains, Map<Long, List<Credentials>> signers,
            RelayerSettings settings, KafkaClients kafka, TopicsConfig topics, RelayerMetrics metrics) {
        this.store = store;
        this.chains = chains;
        this.signers = Map.copyOf(signers);
        this.settings = settings;
        this.kafka = kafka;
        this.topics = topics;
        this.metrics = metrics;
        this.owner = settings.instanceId() != null ? settings.instanceId()
                : "relayer-" + ProcessHandle.current().pid() + "-" + Long.toHexString(new java.util.Random().nextLong());
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
                .restart(SupervisedLoop.RESTART, metrics.registry())
                .build();
        metrics.consumerLag(loop::currentConsumer, topic);
        renewals = new SupervisedLoop("relayer-leases", SupervisedLoop.RESTART, metrics.registry(),
                this::renewLeases);
        loop.start();
        renewals.start();
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
                    Runner r = new Runner(dest, slot, key);
                    runners.put(key, r);
                    r.start();
                    log.info("relayer assigned key={} partition={} signer={}", key, partition,
                            signers.get(dest).get(slot).getAddress());
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
            renewalWake.release();
            renewals.stop(Duration.ofSeconds(10));
            deadLetterProducer.close(Duration.ofSeconds(5));
            done.complete();
        }));
    }

    /**
     * Whether this member's consumer polled within half its session timeout. A member that did not (a long pause, a
     * process frozen and resumed) may have lost its partitions without being told yet: it neither renews nor takes
     * a lease until it polls again and hears of the group's decision.
     */
    private boolean inGroup() {
        ConsumerLoop<String> l = loop;
        Duration since = l == null ? null : l.sinceLastPoll();
        return since != null && since.compareTo(settings.sessionTimeout().dividedBy(2)) < 0;
    }

    /** The lease renewer's life: every quarter of the lease, each held lease is extended while the member polls. */
    private void renewLeases(SupervisedLoop self) throws InterruptedException {
        Duration every = leaseTtl().dividedBy(4);
        while (!self.stopping()) {
            if (inGroup()) {
                for (Runner r : List.copyOf(runners.values())) {
                    r.renew();
                }
            } else if (!runners.isEmpty()) {
                log.warn("relayer consumer has not polled for {} ms: key leases are not renewed until it does",
                        Optional.ofNullable(loop.sinceLastPoll()).map(Duration::toMillis).orElse(-1L));
            }
            renewalWake.tryAcquire(every.toMillis(), TimeUnit.MILLISECONDS);
            renewalWake.drainPermits();
        }
    }

    /** A key's lease lasts one session timeout: the group moves a silent member's keys after about as long. */
    private Duration leaseTtl() {
        return settings.sessionTimeout();
    }

    /**
     * A record or a broadcast goes ahead only with more than a third of the lease left. Renewals every quarter keep
     * about three quarters left; a holder whose renewals stopped stops sending a third of a lease before the key
     * can pass to another instance.
     */
    private Duration leaseMargin() {
        return leaseTtl().dividedBy(3);
    }

    /**
     * One routing key this member was assigned: takes the key's lease (waiting while another instance's runs),
     * reconciles the signer with the chain, then runs the key's worker, a round every tick or at once when woken, on
     * a {@link SupervisedLoop} ({@code relayer-key-<key>}): a round that fails ends the loop's life, which is counted,
     * reported by readiness, and started again after a backoff with a fresh take-over. A worker fenced off from its
     * key ({@link FencedOff}) stops sending for it at once and takes the key again only under a new lease.
     */
    private final class Runner {
        private final long destination;
        private final int slot;
        private final String key;
        private final Semaphore wake = new Semaphore(0);
        private final SupervisedLoop loop;
        private volatile KeyLease lease;
        private volatile boolean lost;
        private RelayWorker worker;
        private String waitingFor;

        Runner(long destination, int slot, String key) {
            this.destination = destination;
            this.slot = slot;
            this.key = key;
            this.loop = new SupervisedLoop("relayer-key-" + key, SupervisedLoop.RESTART, metrics.registry(),
                    this::life);
        }

        void start() {
            loop.start();
        }

        private void life(SupervisedLoop self) throws InterruptedException {
            try {
                while (!self.stopping()) {
                    if (lost) {
                        fencedOff("its lease could not be renewed");
                    }
                    boolean more = false;
                    if (worker != null || take()) {
                        try {
                            more = worker.runOnce();
                        } catch (FencedOff e) {
                            metrics.fenced(chains.name(destination));
                            fencedOff(e.getMessage());
                        }
                    }
                    if (more) {
                        continue; // a full round: more is due now
                    }
                    wake.tryAcquire(settings.tick().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } finally {
                if (self.stopping()) {
                    giveBack();
                } else {
                    worker = null; // the next life takes the key over again: reconciled with the chain
                }
            }
        }

        /** Takes the key's lease and the key over; false while another instance's lease runs. */
        private boolean take() {
            if (!inGroup()) {
                return false;
            }
            Optional<KeyLease> got = store.acquireLease(key, owner, leaseTtl());
            if (got.isEmpty()) {
                String holder = store.lease(key).map(KeyLease::toString).orElse("(gone)");
                if (!holder.equals(waitingFor)) {
                    log.info("relayer waiting for key={} held by another instance: {}", key, holder);
                    waitingFor = holder;
                }
                return false;
            }
            waitingFor = null;
            lease = got.get();
            lost = false;
            Credentials credentials = signers.get(destination).get(slot);
            TxManager signer = new TxManager(chains.client(destination), credentials, settings.fees(), store,
                    settings.confirmations(), metrics.transactions()).fenced(lease, leaseMargin());
            RelayWorker w = new RelayWorker(destination, slot, signer, store, chains, settings, metrics);
            try {
                w.takeOver();
            } catch (FencedOff e) {
                metrics.fenced(chains.name(destination));
                fencedOff(e.getMessage());
                return false;
            }
            worker = w;
            log.info("relayer took over key={} signer={} owner={} epoch={}", key, credentials.getAddress(), owner,
                    lease.epoch());
            return true;
        }

        private void fencedOff(String why) {
            log.warn("relayer fenced off key={} owner={} epoch={}: stops sending for it ({})", key, owner,
                    lease == null ? null : lease.epoch(), why);
            worker = null;
            lease = null;
            lost = false;
        }

        /** Extends the lease (the renewer's thread); a lease that cannot be extended is lost. */
        void renew() {
            KeyLease l = lease;
            if (l == null) {
                return;
            }
            Optional<KeyLease> renewed = store.renewLease(l, leaseTtl());
            if (renewed.isPresent()) {
                lease = renewed.get();
            } else {
                lost = true;
                wake();
            }
        }

        /** Hands the key back at a clean stop, so that its next owner need not wait for the lease to run out. */
        private void giveBack() {
            KeyLease l = lease;
            worker = null;
            lease = null;
            if (l != null) {
                try {
                    store.releaseLease(l);
                } catch (RuntimeException e) {
                    log.warn("relayer could not release key={} (it runs out by itself at {}): {}", key,
                            l.expiresAt(), e.toString());
                }
            }
        }

        void wake() {
            wake.release();
        }

        /** Stops after the round in flight and gives the key back; returns once it has. */
        void stop() {
            wake.release();
            loop.stop(Duration.ofSeconds(60));
        }
    }
}
