package dev.crossbar.app.http;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one meter registry, scraped at {@code /metrics} in Prometheus text format. Rules:
 * <ul>
 *   <li>every meter name starts with {@code crossbar_} (meters of the JVM binders are renamed, e.g.
 *       {@code crossbar_jvm_memory_used_bytes});</li>
 *   <li>labels are bounded: a meter with a tag key outside {@link #ALLOWED_TAGS} is refused (not registered;
 *       logged once), so that no label can carry a message id or another unbounded value; the JVM and process
 *       binders' own bounded tags ({@link #JVM_TAGS}) are allowed on their meters only.</li>
 * </ul>
 * Register meters after {@link #create()}: filters apply only to meters registered after them.
 */
public final class Metrics implements AutoCloseable {
    /**
     * Tag keys our meters may use; each takes few values: a configured chain's name, a lifecycle state, a message
     * kind, a component, a signer key's address (bounded by the configuration), a finding's severity or kind, a
     * topic, a purpose, a result, an endpoint's index, a monitor check, a supervised loop's name (fixed in the code),
     * a dispute game's status (3 values), the agreement of a game with the monitor's verdict (agree, disagree,
     * unknown), the honesty of a claim (honest, dishonest, unknown) and why a signer cannot send (a fixed enum:
     * fees_above_cap, insufficient_funds). Never a message id, hash or free text.
     */
    public static final Set<String> ALLOWED_TAGS = Set.of("chain", "state", "kind", "component", "key", "signer",
            "severity", "finding", "topic", "purpose", "result", "endpoint", "check", "loop", "status", "agreement",
            "honesty", "reason");
    /** Tag keys of Micrometer's JVM and process binders (memory area and pool, GC, thread state, JVM info). */
    public static final Set<String> JVM_TAGS = Set.of("area", "id", "action", "cause", "gc", "state", "version",
            "vendor", "runtime");
    static final String PREFIX = "crossbar.";
    private static final Set<String> BINDER_FAMILIES = Set.of("jvm.", "process.", "system.");
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;

    private Metrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
        this.registry = registry;
        this.gc = gc;
    }

    /** A registry with the naming and label rules, and the JVM and process meters bound. */
    public static Metrics create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new BoundedTags()).meterFilter(new Prefix());
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return new Metrics(registry, gc);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static boolean isBinderMeter(String name) {
        return BINDER_FAMILIES.stream().anyMatch(name::startsWith);
    }

    /** Prefixes every meter name with {@code crossbar.} (ours already have it). */
    static final class Prefix implements MeterFilter {
        @Override
        public Meter.Id map(Meter.Id id) {
            return id.getName().startsWith(PREFIX) ? id : id.withName(PREFIX + id.getName());
        }
    }

    /** Refuses meters with a tag key outside the allow-list; logs each refused meter name once. */
    static final class BoundedTags implements MeterFilter {
        private final Set<String> warned = ConcurrentHashMap.newKeySet();

        @Override
        public MeterFilterReply accept(Meter.Id id) {
            String name = id.getName().startsWith(PREFIX) ? id.getName().substring(PREFIX.length()) : id.getName();
            // Filters see the renamed id: crossbar.jvm.memory.used is the JVM binder's jvm.memory.used.
            boolean binder = isBinderMeter(name);
            Set<String> refused = id.getTags().stream().map(Tag::getKey)
                    .filter(k -> !ALLOWED_TAGS.contains(k) && !(binder && JVM_TAGS.contains(k)))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            if (refused.isEmpty()) {
                return MeterFilterReply.NEUTRAL;
            }
            if (warned.add(id.getName())) {
                log.warn("meter refused: name={} tags={} reason=\"tag keys outside the allow-list {}\"", id.getName(),
                        refused, ALLOWED_TAGS);
            }
            return MeterFilterReply.DENY;
        }
    }
}
