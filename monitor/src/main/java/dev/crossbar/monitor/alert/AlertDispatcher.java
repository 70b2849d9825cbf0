package dev.crossbar.monitor.alert;

import dev.crossbar.core.lifecycle.SupervisedLoop;
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
 * Each sink's thread is a {@link SupervisedLoop} named {@code monitor-alerts-<format>}: a delivery the sink refuses is
 * counted and reports the lane down, to readiness, until a delivery to it succeeds; the backoff between the failures
 * in a row is the loop's.
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
            lane.loop = new SupervisedLoop("monitor-alerts-" + s.format(), settings.retry(), metrics.registry(),
                    l -> deliverLoop(lane, l)).start();
            lanes.add(lane);
        }
    }

    private static final class Lane {
        final AlertSink sink;
        final BlockingDeque<Alert> queue;
        SupervisedLoop loop;

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

    private void deliverLoop(Lane lane, SupervisedLoop supervisor) throws InterruptedException {
        while (!supervisor.stopping()) {
            Alert alert = lane.queue.takeFirst();
            for (int attempt = 1; ; attempt++) {
                try {
                    lane.sink.deliver(alert);
                    supervisor.ran();
                    metrics.alert(lane.sink.format(), "delivered");
                    log.info("alert delivered sink=\"{}\" kind={} findingId={} status={} attempt={}",
                            lane.sink.describe(), alert.kind(), alert.findingId(),
                            alert.resolved() ? "resolved" : "firing", attempt);
                    break;
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    metrics.alert(lane.sink.format(), "failed");
                    Duration delay = supervisor.failed(e);
                    if (attempt >= settings.maxAttempts()) {
                        metrics.alert(lane.sink.format(), "dropped");
                        log.error("alert dropped after {} attempts sink=\"{}\" kind={} findingId={} error=\"{}\"",
                                attempt, lane.sink.describe(), alert.kind(), alert.findingId(), e.toString());
                        break;
                    }
                    log.warn("alert not delivered, retrying sink=\"{}\" kind={} findingId={} attempt={} inMs={}"
                            + " error=\"{}\"", lane.sink.describe(), alert.kind(), alert.findingId(), attempt,
                            delay.toMillis(), e.toString());
                    Thread.sleep(delay);
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
            l.loop.stop(Duration.ofSeconds(5), l.loop::interrupt);
        }
    }
}
