package dev.crossbar.monitor.alert;

import dev.crossbar.core.json.Json;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The two webhook formats an alert is written in. */
final class AlertBodies {
    static final String SCHEMA = "crossbar.alert/v1";

    private AlertBodies() {}

    /**
     * Alertmanager's {@code POST /api/v2/alerts} body: an array of {@code {labels, annotations, startsAt, endsAt?,
     * generatorURL}}. Labels: {@code alertname, severity, chain, kind} and {@code finding} (the finding's id, so that
     * two findings of one kind on one chain are two alerts); annotations: {@code summary, description} (the evidence,
     * one {@code key=value} per line) and {@code runbook}.
     */
    static String alertmanager(List<Alert> alerts, URI generatorUrl) {
        return Json.write(alerts.stream().map(a -> {
            Map<String, Object> labels = new LinkedHashMap<>();
            labels.put("alertname", a.kind().alertName());
            labels.put("severity", a.kind().severity().label());
            labels.put("chain", a.chain());
            labels.put("kind", a.kind().name());
            labels.put("finding", Long.toString(a.findingId()));
            Map<String, Object> annotations = new LinkedHashMap<>();
            annotations.put("summary", a.summary());
            annotations.put("description", a.description());
            annotations.put("runbook", a.kind().runbook());
            Map<String, Object> alert = new LinkedHashMap<>();
            alert.put("labels", labels);
            alert.put("annotations", annotations);
            alert.put("startsAt", a.startsAt().toString());
            if (a.endsAt() != null) {
                alert.put("endsAt", a.endsAt().toString());
            }
            alert.put("generatorURL", generatorUrl.toString());
            return alert;
        }).toList());
    }

    /** The generic JSON body ({@value #SCHEMA}): one object per alert. */
    static String json(Alert a, URI generatorUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", SCHEMA);
        body.put("status", a.resolved() ? "resolved" : "firing");
        body.put("kind", a.kind().name());
        body.put("severity", a.kind().severity().label());
        body.put("chain", a.chain());
        body.put("chainId", a.chainId());
        body.put("summary", a.summary());
        body.put("evidence", a.evidence());
        body.put("runbook", a.kind().runbook());
        body.put("startsAt", a.startsAt().toString());
        body.put("endsAt", a.endsAt() == null ? null : a.endsAt().toString());
        body.put("findingId", a.findingId());
        body.put("dedupeKey", a.dedupeKey());
        body.put("generatorURL", generatorUrl.toString());
        return Json.write(body);
    }
}
