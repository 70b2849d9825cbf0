package dev.crossbar.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.lifecycle.Service;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The composite lifecycle: start in order, stop in reverse, undo a half-done start. */
class ServicesTest {
    final List<String> events = new CopyOnWriteArrayList<>();

    Service recording(String name, boolean failStart, boolean failStop) {
        return Services.of(name, () -> {
            events.add("start " + name);
            return failStart ? Future.failedFuture("boom in " + name) : Future.succeededFuture();
        }, () -> {
            events.add("stop " + name);
            if (failStop) {
                throw new IllegalStateException("stuck " + name);
            }
            return Future.succeededFuture();
        });
    }

    static void await(Future<Void> f) throws Exception {
        f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void servicesStartInOrderAndStopInReverse() throws Exception {
        Services all = Services.of("all", List.of(recording("store", false, false), recording("watcher", false, false),
                Services.of("roles", List.of(recording("relayer", false, false))), recording("http", false, false)));
        await(all.start());
        await(all.stop());
        assertThat(events).containsExactly("start store", "start watcher", "start relayer", "start http",
                "stop http", "stop relayer", "stop watcher", "stop store");
        await(all.stop());
        assertThat(events).as("a second stop stops nothing again").hasSize(8);
    }

    @Test
    void aFailedStartStopsWhatHadStartedAndNamesTheService() {
        Services all = Services.of("all", List.of(recording("store", false, false), recording("kafka", true, false),
                recording("http", false, false)));
        assertThat(all.start().toCompletionStage().toCompletableFuture())
                .failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .withMessageContaining("kafka failed to start: boom in kafka");
        assertThat(events).containsExactly("start store", "start kafka", "stop store");
    }

    @Test
    void aStopGoesThroughEveryServiceAndReportsTheFirstFailure() throws Exception {
        Services all = Services.of("all", List.of(recording("a", false, false), recording("b", false, true),
                recording("c", false, false)));
        await(all.start());
        assertThat(all.stop().toCompletionStage().toCompletableFuture()).failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class).withMessageContaining("stuck b");
        assertThat(events).endsWith("stop c", "stop b", "stop a");
    }

    @Test
    void aDisabledServiceStandsInForOneSwitchedOff() throws Exception {
        Service off = Services.disabled("monitor");
        await(off.start());
        await(off.stop());
        assertThat(off.name()).isEqualTo("monitor");
    }
}
