package dev.crossbar.app.http;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.crossbar.app.config.Config;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.store.BreakerState;
import dev.crossbar.store.Finding;
import dev.crossbar.store.GameClaim;
import dev.crossbar.store.GameClocks;
import dev.crossbar.store.GameQuery;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The read side of the JSON API under {@code /api/}: chains, messages with their history, outputs, dispute games
 * with their claims, clocks and history, findings, breakers and a status summary. Store calls run on worker
 * threads, never on the event loop.
 */
final class ApiRoutes {
    static final int DEFAULT_LIMIT = 100;
    private static final String ADDRESS = "0x[0-9a-fA-F]{40}";
    private static final String HASH = "0x[0-9a-fA-F]{64}";
    /** The longest query value taken; a longer one is refused rather than searched for or echoed. */
    static final int MAX_VALUE = 256;
    /** How much of a refused value an error message echoes. */
    private static final int SHOWN = 160;
    /** A record as a JSON object to add fields to (through the one mapping, so values look as they do anywhere). */
    private static final TypeReference<LinkedHashMap<String, Object>> VIEW = new TypeReference<>() {};

    private final Vertx vertx;
    private final Config config;
    private final MessageStore store;
    private final ChainStatusSource chainStatus;
    private final Map<Long, EthApi> probes;

    /** @param probes per chain id, a client for a fresh {@code eth_blockNumber} when no watcher here knows the head */
    ApiRoutes(Vertx vertx, Config config, MessageStore store, ChainStatusSource chainStatus,
            Map<Long, EthApi> probes) {
        this.vertx = vertx;
        this.config = config;
        this.store = store;
        this.chainStatus = chainStatus;
        this.probes = probes;
    }

    void mount(Router router) {
        router.get("/api/chains").handler(ctx -> Responses.reply(ctx, chains()));
        router.get("/api/status").handler(ctx -> Responses.reply(ctx, status()));
        router.get("/api/messages").handler(this::messages);
        router.get("/api/messages/:id").handler(this::message);
        router.get("/api/outputs").handler(this::outputs);
        router.get("/api/games").handler(this::games);
        router.get("/api/games/:ref").handler(this::game);
        router.get("/api/findings").handler(this::findings);
        router.get("/api/breakers").handler(ctx -> Responses.reply(ctx, blocking(store::breakers)));
    }

    /** Each configured chain with its head, cursor, lag and breaker. */
    Future<List<Map<String, Object>>> chains() {
        return blocking(() -> {
            Map<Long, BreakerState> breakers = new TreeMap<>();
            store.breakers().forEach(b -> breakers.put(b.chainId(), b));
            return breakers;
        }).compose(breakers -> {
            List<Future<Map<String, Object>>> rows = new ArrayList<>();
            for (ChainConfig c : config.chains()) {
                rows.add(chain(c, breakers.get(c.chainId())));
            }
            return Future.all(rows).map(cf -> rows.stream().map(Future::result).toList());
        });
    }

    private Future<Map<String, Object>> chain(ChainConfig c, BreakerState breaker) {
        Optional<ChainProgress> known = chainStatus.progress(c.chainId());
        Future<Long> cursor = known.filter(p -> p.cursor() >= 0).map(p -> Future.succeededFuture(p.cursor()))
                .orElseGet(() -> blocking(() -> store.cursor(c.chainId()).map(cur -> cur.blockNumber()).orElse(-1L)));
        Future<Long> head = known.filter(p -> p.head() >= 0).map(p -> Future.succeededFuture(p.head()))
                .orElseGet(() -> freshHead(c));
        return Future.join(cursor, head).transform(ar -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", c.name());
            row.put("chainId", c.chainId());
            row.put("role", c.role().name());
            Long h = head.succeeded() ? head.result() : null;
            Long cur = cursor.succeeded() && cursor.result() >= 0 ? cursor.result() : null;
            row.put("head", h);
            row.put("cursor", cur);
            row.put("lag", h == null || cur == null ? null : Math.max(0, h - cur));
            row.put("source", known.isPresent() ? "watcher" : "store");
            row.put("breaker", breakerView(c.chainId(), breaker));
            if (head.failed()) {
                row.put("error", "head unknown: " + Readiness.reason(head.cause()));
            }
            return Future.succeededFuture(row);
        });
    }

    private Future<Long> freshHead(ChainConfig c) {
        EthApi rpc = probes.get(c.chainId());
        if (rpc == null) {
            return Future.failedFuture("no endpoint client");
        }
        return vertx.executeBlocking(rpc::blockNumber, false);
    }

    static Map<String, Object> breakerView(long chainId, BreakerState b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chainId", chainId);
        m.put("tripped", b != null && b.tripped());
        if (b != null) {
            m.put("reason", b.reason());
            m.put("changedBy", b.changedBy());
            m.put("changedAt", b.changedAt());
        }
        return m;
    }

    /**
     * One call for {@code crossbar status}, and the base of the console's overview: chains, messages by state and by
     * kind and state, open findings (their number, the latest ten, the number of each severity).
     */
    Future<Map<String, Object>> status() {
        return chains().compose(chains -> blocking(() -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("chains", chains);
            // One count by kind and state; the count by state is its sum over the kinds.
            Map<String, Long> counts = new TreeMap<>();
            Map<String, Map<String, Long>> byKind = new TreeMap<>();
            store.countByKindAndState().forEach((k, states) -> {
                Map<String, Long> row = new TreeMap<>();
                states.forEach((s, n) -> {
                    row.put(s.name(), n);
                    counts.merge(s.name(), n, Long::sum);
                });
                byKind.put(k.name(), row);
            });
            out.put("messages", counts);
            out.put("messagesByKind", byKind);
            List<Finding> open = store.findings("OPEN", 1000);
            Map<String, Integer> bySeverity = new TreeMap<>();
            for (Finding f : open) {
                bySeverity.merge(f.severity().toUpperCase(Locale.ROOT), 1, Integer::sum);
            }
            Map<String, Object> findings = new LinkedHashMap<>();
            findings.put("open", open.size());
            findings.put("bySeverity", bySeverity);
            findings.put("latest", open.subList(0, Math.min(10, open.size())));
            out.put("findings", findings);
            return out;
        }));
    }

    private void messages(RoutingContext ctx) {
        MessageQuery query;
        try {
            Set<MessageState> states = enums(ctx.queryParam("state"), MessageState.class, "state");
            Set<MessageKind> kinds = enums(ctx.queryParam("kind"), MessageKind.class, "kind");
            Long chain = chainParam(ctx, "chain", false);
            Long source = chainParam(ctx, "source", false);
            Long destination = chainParam(ctx, "destination", false);
            String sender = address(single(ctx, "sender"), "sender");
            query = new MessageQuery(states, kinds, chain, source, destination, sender, limit(ctx));
        } catch (ApiException e) {
            Responses.fail(ctx, e);
            return;
        }
        Responses.reply(ctx, blocking(() -> store.messages(query)));
    }

    private void message(RoutingContext ctx) {
        String id;
        try {
            id = messageId(ctx);
        } catch (ApiException e) {
            Responses.fail(ctx, e);
            return;
        }
        Responses.reply(ctx, blocking(() -> {
            MessageRecord m = store.message(id).orElseThrow(() -> ApiException.notFound("no message " + id));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("message", m);
            out.put("history", store.history(id));
            List<dev.crossbar.store.TxRecord> txs = store.transactionsOf(id);
            out.put("transactions", txs);
            if (m.kind() == MessageKind.CROSS_ROLLUP) {
                ChainConfig source = config.chains().stream().filter(c -> c.chainId() == m.sourceChainId())
                        .findFirst().orElse(null);
                InteropView.of(m, source).ifPresent(v -> out.put("interop", v));
                out.put("accessLists", InteropView.accessLists(txs));
            }
            return out;
        }));
    }

    private void outputs(RoutingContext ctx) {
        Long chain;
        int limit;
        try {
            chain = chainParam(ctx, "chain", true);
            limit = limit(ctx);
        } catch (ApiException e) {
            Responses.fail(ctx, e);
            return;
        }
        Responses.reply(ctx, blocking(() -> store.outputs(chain, limit)));
    }

    private void games(RoutingContext ctx) {
        GameQuery query;
        try {
            query = new GameQuery(chainParam(ctx, "chain", true),
                    enums(ctx.queryParam("status"), GameRecord.Status.class, "status"), gameType(ctx), limit(ctx));
        } catch (ApiException e) {
            Responses.fail(ctx, e);
            return;
        }
        Responses.reply(ctx, blocking(() -> {
            long now = Instant.now().getEpochSecond();
            List<Map<String, Object>> out = new ArrayList<>();
            for (GameRecord g : store.games(query)) {
                out.add(gameView(g, g.status() == GameRecord.Status.IN_PROGRESS ? store.claims(g.address())
                        : List.of(), now));
            }
            return out;
        }));
    }

    /** One game by address or factory index ({@code ?chain=} says whose when several L2s have that index). */
    private void game(RoutingContext ctx) {
        String ref = ctx.pathParam("ref").trim();
        Long chain;
        Long index = null;
        try {
            chain = chainParam(ctx, "chain", true);
            if (ref.matches("\\d{1,18}")) {
                index = Long.parseLong(ref);
            } else if (!ref.matches(ADDRESS)) {
                throw ApiException.badRequest("game '" + shown(ref) + "' is neither an address (0x and 40 hex digits) nor a"
                        + " factory index (a number)");
            }
        } catch (ApiException e) {
            Responses.fail(ctx, e);
            return;
        }
        Long factoryIndex = index;
        Responses.reply(ctx, blocking(() -> {
            GameRecord g = factoryIndex == null ? gameAt(ref.toLowerCase(Locale.ROOT), chain)
                    : gameWithIndex(factoryIndex, chain);
            List<GameClaim> claims = store.claims(g.address());
            List<Map<String, Object>> claimViews = new ArrayList<>();
            for (GameClaim c : claims) {
                Map<String, Object> view = Json.MAPPER.convertValue(c, VIEW);
                view.put("depth", c.depth());
                view.put("clockDurationSeconds", c.clockDurationSeconds());
                view.put("clockTimestamp", c.clockTimestamp());
                claimViews.add(view);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("game", gameView(g, claims, Instant.now().getEpochSecond()));
            out.put("claims", claimViews);
            out.put("history", store.gameHistory(g.address()));
            return out;
        }));
    }

    private GameRecord gameAt(String address, Long chain) {
        return store.gameAt(address).filter(g -> chain == null || g.l2ChainId() == chain)
                .orElseThrow(() -> ApiException.notFound("no game " + address + (chain == null ? ""
                        : " on " + chainName(chain))));
    }

    private GameRecord gameWithIndex(long index, Long chain) {
        if (chain != null) {
            return store.game(chain, index).orElseThrow(() -> ApiException.notFound("no game with index " + index
                    + " on " + chainName(chain)));
        }
        List<GameRecord> found = new ArrayList<>();
        for (ChainConfig c : config.chains()) {
            if (c.role() == ChainRole.L2) {
                store.game(c.chainId(), index).ifPresent(found::add);
            }
        }
        if (found.isEmpty()) {
            throw ApiException.notFound("no game with index " + index + " on any L2");
        }
        if (found.size() > 1) {
            throw ApiException.badRequest("game index " + index + " is on several L2s ("
                    + String.join(", ", found.stream().map(g -> chainName(g.l2ChainId())).toList())
                    + "): say which with the chain parameter");
        }
        return found.getFirst();
    }

    /** A game as the API shows it: its record and, in progress, its clocks ({@link GameClocks}). */
    static Map<String, Object> gameView(GameRecord g, List<GameClaim> claims, long now) {
        Map<String, Object> view = Json.MAPPER.convertValue(g, VIEW);
        if (g.status() == GameRecord.Status.IN_PROGRESS) {
            GameClocks clocks = GameClocks.of(claims, g.maxClockDuration(), now);
            view.put("challengerClockUsedSeconds", clocks.challengerUsedSeconds());
            view.put("defenderClockUsedSeconds", clocks.defenderUsedSeconds());
            if (clocks.timeLeftSeconds() != null) {
                view.put("timeLeftSeconds", clocks.timeLeftSeconds());
            }
        }
        return view;
    }

    private String chainName(long chainId) {
        return config.chain(chainId).map(ChainConfig::name).orElse("chain " + chainId);
    }

    /** The {@code type} parameter: a game type number. */
    static Integer gameType(RoutingContext ctx) {
        String v = single(ctx, "type");
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw ApiException.badRequest("type '" + v + "' is not a game type number (e.g. 0 CANNON, 1"
                + " PERMISSIONED_CANNON, 255 ALPHABET)");
    }

    private void findings(RoutingContext ctx) {
        String status;
        int limit;
        try {
            status = single(ctx, "status");
            if (status != null) {
                status = status.toUpperCase(Locale.ROOT);
                if (!status.equals("OPEN") && !status.equals("RESOLVED")) {
                    throw ApiException.badRequest("unknown status '" + single(ctx, "status")
                            + "' (known: OPEN, RESOLVED)");
                }
            }
            limit = limit(ctx);
        } catch (ApiException e) {
            Responses.fail(ctx, e);
            return;
        }
        String s = status;
        Responses.reply(ctx, blocking(() -> store.findings(s, limit).stream().map(ApiRoutes::findingView).toList()));
    }

    /** A finding as the API shows it: its record, its kind's runbook and whether the kind trips the breaker. */
    static Map<String, Object> findingView(Finding f) {
        Map<String, Object> view = Json.MAPPER.convertValue(f, VIEW);
        view.put("runbook", ConsoleRoutes.runbook(f.kind()));
        view.put("misbehaviour", ConsoleRoutes.misbehaviour(f.kind()));
        return view;
    }

    /** Values of a repeated, comma-separated enum parameter; an unknown one is a 400 naming it. */
    static <E extends Enum<E>> Set<E> enums(List<String> raw, Class<E> type, String param) {
        Set<E> out = EnumSet.noneOf(type);
        for (String value : raw) {
            for (String part : value.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                try {
                    out.add(Enum.valueOf(type, p.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("unknown " + param + " '" + p + "' (known: "
                            + String.join(", ", EnumSet.allOf(type).stream().map(Enum::name).toList()) + ")");
                }
            }
        }
        return out;
    }

    /** A chain named by name or id; {@code l2Only} for parameters that only an L2 fits (outputs, games). */
    Long chainParam(RoutingContext ctx, String param, boolean l2Only) {
        String v = single(ctx, param);
        if (v == null) {
            return null;
        }
        ChainConfig c = config.chain(v).orElseThrow(() -> ApiException.badRequest("unknown " + param + " '" + v
                + "' (configured: " + String.join(", ", config.chains().stream().map(ChainConfig::name).toList())
                + ")"));
        if (l2Only && c.role() != ChainRole.L2) {
            throw ApiException.badRequest(param + " '" + v + "' is not an L2 (output roots and dispute games belong to"
                    + " L2s)");
        }
        return c.chainId();
    }

    static String single(RoutingContext ctx, String param) {
        List<String> values = ctx.queryParam(param);
        if (values.size() > 1) {
            throw ApiException.badRequest(param + " is given " + values.size() + " times; give it once");
        }
        String v = values.isEmpty() || values.getFirst().isBlank() ? null : values.getFirst().trim();
        if (v != null && v.length() > MAX_VALUE) {
            throw ApiException.badRequest(param + " is " + v.length() + " characters long; at most " + MAX_VALUE
                    + " are taken");
        }
        return v;
    }

    /** The {@code :id} path parameter: a message's hash, lower-cased; anything else is a 400. */
    static String messageId(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!id.matches(HASH)) {
            throw ApiException.badRequest("message id '" + shown(id) + "' is not a message hash (0x and 64 hex"
                    + " digits)");
        }
        return id.toLowerCase(Locale.ROOT);
    }

    /** A value from a request as an error message or a log line shows it: at most 160 characters. */
    static String shown(String v) {
        return v.length() <= SHOWN ? v : v.substring(0, SHOWN) + "... (" + v.length() + " characters)";
    }

    static String address(String v, String param) {
        if (v == null) {
            return null;
        }
        if (!v.matches(ADDRESS)) {
            throw ApiException.badRequest(param + " '" + v + "' is not an address (0x and 40 hex digits)");
        }
        return v.toLowerCase(Locale.ROOT);
    }

    static int limit(RoutingContext ctx) {
        String v = single(ctx, "limit");
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw ApiException.badRequest("limit '" + v + "' must be a number from 1 to 1000");
    }

    <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }
}
