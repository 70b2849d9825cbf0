package dev.crossbar.app.http;

import dev.crossbar.core.json.Json;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON answers: bodies through the system's one mapping ({@link Json#MAPPER}), errors as {@code {"error": ...}}. */
final class Responses {
    private static final Logger log = LoggerFactory.getLogger(Responses.class);
    static final String JSON = "application/json";

    private Responses() {}

    static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(Json.write(body));
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, Map.of("error", message));
    }

    /** Answers with the future's value as JSON (200), or with its error. */
    static <T> void reply(RoutingContext ctx, Future<T> result) {
        result.onSuccess(v -> json(ctx, 200, v)).onFailure(e -> fail(ctx, e));
    }

    /** An {@link ApiException} with its status; anything else is a 500 whose details go to the log only. */
    static void fail(RoutingContext ctx, Throwable e) {
        if (e instanceof ApiException api) {
            error(ctx, api.status(), api.getMessage());
        } else if (e instanceof IllegalArgumentException bad) {
            error(ctx, 400, bad.getMessage());
        } else {
            log.error("api request failed: method={} path={} error=\"{}\"", ctx.request().method(),
                    ctx.request().path(), e.toString(), e);
            error(ctx, 500, "internal error (see the service's log)");
        }
    }
}
