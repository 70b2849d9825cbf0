package dev.crossbar.monitor.alert;

import dev.crossbar.monitor.MonitorSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Posts alerts to an HTTP webhook in one of the two formats: Alertmanager ({@code POST /api/v2/alerts}, an array)
 * or generic JSON (one object). Rule: only a 2xx answer counts as delivered.
 */
public final class WebhookSink implements AlertSink, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final MonitorSettings.Webhook.Format format;
    private final URI generatorUrl;
    private final HttpClientAgent http;
    private final io.vertx.core.Context context;

    public WebhookSink(Vertx vertx, MonitorSettings.Webhook webhook, URI generatorUrl) {
        this.url = webhook.url();
        this.format = webhook.format();
        this.generatorUrl = generatorUrl;
        boolean tls = "https".equals(url.getScheme());
        this.context = vertx.getOrCreateContext();
        this.http = vertx.createHttpClient(new HttpClientOptions().setSsl(tls).setKeepAlive(true)
                .setConnectTimeout((int) TIMEOUT.toMillis()));
    }

    @Override
    public String format() {
        return format.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String describe() {
        return format() + " " + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + url.getPath();
    }

    @Override
    public void deliver(Alert alert) throws Exception {
        String body = format == MonitorSettings.Webhook.Format.ALERTMANAGER
                ? AlertBodies.alertmanager(List.of(alert), generatorUrl) : AlertBodies.json(alert, generatorUrl);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
                .setTimeout(TIMEOUT.toMillis()).putHeader("Content-Type", "application/json");
        io.vertx.core.Promise<Integer> done = io.vertx.core.Promise.promise();
        // Issued on the client's event-loop context: requests issued from other threads were seen to lose their
        // answer now and then (the exchange hangs until the timeout).
        context.runOnContext(v -> http.request(options).compose(req -> req.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(b -> resp.statusCode())).onComplete(done));
        Future<Integer> status = done.future();
        int code = status.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis() + 1000,
                TimeUnit.MILLISECONDS);
        if (code / 100 != 2) {
            throw new IOException("webhook " + describe() + " answered HTTP " + code);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
