package dev.crossbar.app.http;

import dev.crossbar.app.config.Config;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin actions: retry a message, reset or trip a chain's circuit breaker. Each needs
 * {@code Authorization: Bearer <http.adminToken>}: 403 when no token is configured (admin actions are off),
 * 401 without the header or with a wrong token. Authorization is checked before anything else is looked at.
 */
final class AdminRoutes {
    static final String RETRY_CAUSE = "retried by operator";
    static final String OPERATOR = "operator (http)";
    private static final Set<MessageState> RETRYABLE = Set.of(MessageState.FAILED, MessageState.DEAD_LETTERED);
    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);

    private final Vertx vertx;
    private final Config config;
    private final MessageStore store;
    private final BearerToken token;

    /** @param token the admin token, or null when none is configured (then every admin action is refused) */
    AdminRoutes(Vertx vertx, Config config, MessageStore store, BearerToken token) {
        this.vertx = vertx;
        this.config = config;
        this.store = store;
        this.token = token;
    }

    void mount(Router router) {
        router.post("/api/messages/:id/retry").handler(this::authorize).handler(this::retry);
        router.post("/api/breakers/:chain/reset").handler(this::authorize).handler(ctx -> breaker(ctx, false));
        router.post("/api/breakers/:chain/trip").handler(this::authorize).handler(ctx -> breaker(ctx, true));
    }

    private void authorize(RoutingContext ctx) {
        if (token == null) {
            Responses.error(ctx, 403, "admin actions are disabled: no http.adminToken is configured");
        } else if (!token.matches(ctx.request().getHeader("Authorization"))) {
            log.warn("admin action refused: method={} path={} reason={}", ctx.request().method(),
                    ApiRoutes.shown(ctx.request().path()),
                    ctx.request().getHeader("Authorization") == null ? "no-token" : "wrong-token");
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            Responses.error(ctx, 401, "admin actions need Authorization: Bearer <token> with the configured"
                    + " http.adminToken");
        } else {
            ctx.next();
        }
    }

    /**
     * FAILED or DEAD_LETTERED to READY, attempts reset, for a withdrawal or a cross-rollup message (READY is where the
     * relayer picks them up); 409 naming the states when the lifecycle forbids it, and for every deposit: the relayer
     * never acts on a READY deposit (the L2's sequencer executes deposits), so a retried one would wait for nothing.
     */
    private void retry(RoutingContext ctx) {
        String id;
        try {
            id = ApiRoutes.messageId(ctx);
        } catch (ApiException e) {
            Responses.fail(ctx, e);
            return;
        }
        Responses.reply(ctx, vertx.executeBlocking(() -> {
            MessageRecord m = store.message(id).orElseThrow(() -> ApiException.notFound("no message " + id));
            if (m.kind() == MessageKind.DEPOSIT) {
                throw ApiException.conflict("message " + id + " is a deposit (" + m.state() + "): retry cannot"
                        + " help it. A deposit is executed on the L2 by its sequencer, not by the relayer; the relayer"
                        + " acts on one only by replaying it through the L2 messenger while it is FAILED, which it does"
                        + " by itself until its replays run out. A retried deposit would wait in READY with nothing to"
                        + " act on it: replay it through the L2CrossDomainMessenger (relayMessage) instead.");
            }
            if (!RETRYABLE.contains(m.state())) {
                throw ApiException.conflict("message " + id + " is " + m.state() + ": only FAILED or DEAD_LETTERED"
                        + " messages can be retried (" + m.state() + " may move to "
                        + m.state().allowedMoves(m.kind()) + ")");
            }
            MessageRecord moved = store.transitionIf(id, m.state(), MessageState.READY, RETRY_CAUSE)
                    .orElseThrow(() -> ApiException.conflict("message " + id + " left " + m.state()
                            + " meanwhile; look again"));
            store.recordAttempt(id, 0, null, null);
            log.info("message retried by operator: message={} from={} to={}", id, m.state(), moved.state());
            return store.message(id).orElse(moved);
        }, false));
    }

    private void breaker(RoutingContext ctx, boolean trip) {
        String name = ctx.pathParam("chain");
        ChainConfig chain = config.chain(name).orElse(null);
        if (chain == null) {
            Responses.error(ctx, 404, "no configured chain '" + ApiRoutes.shown(name) + "'");
            return;
        }
        String reason;
        try {
            reason = trip ? ApiRoutes.single(ctx, "reason") : "reset by operator";
            if (reason != null && reason.codePoints().anyMatch(Character::isISOControl)) {
                throw ApiException.badRequest("reason has a control character (a line break, a tab, ...): give it"
                        + " on one line");
            }
        } catch (ApiException e) {
            Responses.fail(ctx, e);
            return;
        }
        String why = reason == null ? "tripped by operator" : reason;
        Future<Object> done = vertx.executeBlocking(() -> {
            var b = store.setBreaker(chain.chainId(), trip, why, OPERATOR);
            log.info("circuit breaker {} by operator: chain={} reason=\"{}\"", trip ? "tripped" : "reset",
                    chain.name(), why);
            return ApiRoutes.breakerView(chain.chainId(), b);
        }, false);
        Responses.reply(ctx, done);
    }
}
