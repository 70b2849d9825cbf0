package dev.crossbar.app.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.crossbar.core.json.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a fault campaign: what was sent per flow, the faults injected (with their recovery times), what the
 * store still holds unsettled, the monitor's findings (false alarms: the operator is honest) and how long it took.
 */
public record ChaosReport(long seed, int messages, Map<String, Integer> sentByFlow,
        List<ChaosCampaign.Injected> faults, Map<ChaosCampaign.Fault, Integer> faultsByKind,
        Map<String, Integer> rpcFaultsActed, Map<String, Long> unsettled, List<String> findings, List<String> selfFindings,
        AuditResult audit,
        Duration took, Map<String, Long> startBlocks) {

    /** Whether every kind of fault was injected at least once. */
    public boolean everyFaultInjected() {
        return faultsByKind.keySet().containsAll(List.of(ChaosCampaign.Fault.values()))
                && ChaosCampaign.RPC_FAULTS.stream().allMatch(f -> rpcFaultsActed.getOrDefault(f.name(), 0) > 0);
    }

    /**
     * Every fault kind injected; from the chains: no message lost or doubled, no orphan effect, no extra transaction,
     * healthy nonces; nothing unexplained or unsettled in the store; no false finding.
     */
    public boolean clean() {
        return everyFaultInjected() && audit.clean() && unsettled.isEmpty() && findings.isEmpty();
    }

    public void print(PrintStream out) {
        out.println();
        out.printf("chaos campaign: seed %d, %d messages, %d s%n", seed, messages, took.toSeconds());
        out.printf("%-24s %8s%n", "flow", "sent");
        sentByFlow.forEach((flow, n) -> out.printf("%-24s %8d%n", flow, n));
        out.println();
        out.printf("%-16s %6s %12s %12s%n", "fault", "count", "recovery p50", "recovery max");
        for (ChaosCampaign.Fault f : ChaosCampaign.Fault.values()) {
            List<Long> ms = faults.stream().filter(i -> i.kind() == f).map(i -> i.recovery().toMillis()).sorted()
                    .toList();
            out.printf("%-16s %6d %10s ms %10s ms%n", f, ms.size(), ms.isEmpty() ? "-" : ms.get(ms.size() / 2),
                    ms.isEmpty() ? "-" : ms.getLast());
        }
        out.printf("RPC faults acted on (requests): %s%n", rpcFaultsActed);
        out.println();
        out.println("checked from the chains:");
        out.print(audit.table());
        out.printf("lost %d, double %d, orphan %d, extra transactions %d%n", audit.lost(), audit.doubled(),
                audit.orphans(), audit.extraTransactions().size());
        out.printf("unsettled in the store: %s%n", unsettled.isEmpty() ? "none" : unsettled);
        out.printf("false findings: %d%s%n", findings.size(), findings.isEmpty() ? "" : " " + findings);
        out.printf("the monitor's findings about itself: %d%s%n", selfFindings.size(),
                selfFindings.isEmpty() ? "" : " " + selfFindings);
    }

    /** The report as one JSON object, for tools. */
    public String json() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("seed", seed);
        o.put("messages", messages);
        o.put("seconds", took.toSeconds());
        o.put("sent_by_flow", sentByFlow);
        Map<String, Integer> kinds = new LinkedHashMap<>();
        faultsByKind.forEach((k, v) -> kinds.put(k.name(), v));
        o.put("faults_by_kind", kinds);
        o.put("rpc_faults_acted", rpcFaultsActed);
        o.put("unsettled", unsettled);
        o.put("false_findings", findings.size());
        o.put("self_findings", selfFindings.size());
        o.put("lost", audit.lost());
        o.put("double", audit.doubled());
        o.put("orphan", audit.orphans());
        o.put("extra_transactions", audit.extraTransactions().size());
        o.put("clean", clean());
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
