package dev.crossbar.monitor.alert;

import dev.crossbar.monitor.MonitorMetrics;
import dev.crossbar.monitor.MonitorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to every sink without ever making a check wait. Rules:
 * <ul>
 *   <li>each sink has its own bounded queue and its own thread: {@link #send} only enqueues (when a queue is full its
 *       oldest alert is dropped and counted), and a slow or failing sink delays no other;</li>
 *   <li>an alert a sink does not accept is retried, in order, after the capped exponential backoff of the settings,
 *       up to {@code maxAttempts} attempts; then it is dropped, logged and counted.</li>
 * </ul>
 */
public final class AlertDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertDispatcher.class);

    private final List<Lane> lanes = new ArrayList<>();
    private final MonitorSettings.Alerts settings;
    private final MonitorMetrics metrics;

    public AlertDispatcher(List<? extends AlertSink> sinks, MonitorSettings.Alerts settings, MonitorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        for (AlertSink s : sinks) {
            Lane lane = new Lane(s, new LinkedBlockingDeque<>(settings.queueCapacity()));
            lane.thread = Thread.ofVirtual().name("monitor-alerts-" + s.format()).start(() -> deliverLoop(lane));
            lanes.add(lane);
        }
    }

    private static final class Lane {
        final AlertSink sink;
        final BlockingDeque<Alert> queue;
        Thread thread;

        Lane(AlertSink sink, BlockingDeque<Alert> queue) {
            this.sink = sink;
            this.queue = queue;
        }
    }

    /** Queues {@code alert} for every sink; returns at once. */
    public void send(Alert alert) {
        lanes.forEach(l -> enqueue(l, alert));
    }

    /** Queues {@code alert} for the sinks of {@code format} only (e.g. re-sends to Alertmanager). */
    public void sendTo(String format, Alert alert) {
        lanes.stream().filter(l -> l.sink.format().equals(format)).forEach(l -> enqueue(l, alert));
    }

    private void enqueue(Lane lane, Alert alert) {
        while (!lane.queue.offerLast(alert)) {
            Alert dropped = lane.queue.pollFirst();
            if (dropped != null) {
                metrics.alert(lane.sink.format(), "dropped");
                log.warn("alert dropped (queue full) sink=\"{}\" kind={} findingId={}", lane.sink.describe(),
                        dropped.kind(), dropped.findingId());
            }
        }
    }

    private void deliverLoop(Lane lane) {
        while (!Thread.currentThread().isInterrupted()) {
            Alert alert;
            try {
                alert = lane.queue.takeFirst();
            } catch (InterruptedException e) {
                return;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    lane.sink.deliver(alert);
                    metrics.alert(lane.sink.format(), "delivered");
                    log.info("alert delivered sink=\"{}\" kind={} findingId={} status={} attempt={}",
                            lane.sink.describe(), alert.kind(), alert.findingId(),
                            alert.resolved() ? "resolved" : "firing", attempt);
                    break;
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    metrics.alert(lane.sink.format(), "failed");
                    if (attempt >= settings.maxAttempts()) {
                        metrics.alert(lane.sink.format(), "dropped");
                        log.error("alert dropped after {} attempts sink=\"{}\" kind={} findingId={} error=\"{}\"",
                                attempt, lane.sink.describe(), alert.kind(), alert.findingId(), e.toString());
                        break;
                    }
                    Duration delay = settings.retry().delay(attempt);
                    log.warn("alert not delivered, retrying sink=\"{}\" kind={} findingId={} attempt={} inMs={}"
                            + " error=\"{}\"", lane.sink.describe(), alert.kind(), alert.findingId(), attempt,
                            delay.toMillis(), e.toString());
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    /** Alerts waiting in every queue (delivery in progress not counted). */
    public int backlog() {
        return lanes.stream().mapToInt(l -> l.queue.size()).sum();
    }

    @Override
    public void close() {
        for (Lane l : lanes) {
            l.thread.interrupt();
        }
    }
}
