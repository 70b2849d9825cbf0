package dev.crossbar.app;

import dev.crossbar.app.bench.BenchCommand;

/**
 * Entry point of the dev launcher ({@code ./crossbar}): the {@code crossbar} command of the services, plus dev mode,
 * the devnet tools and the benchmarks. The container image carries {@link Main} only: none of these, nor the devnet
 * or the embedded broker they need.
 */
public final class DevMain {
    private DevMain() {}

    public static void main(String[] args) {
        Main.exit(Main.commandLine(new DevCommand(), new DevnetCommand(), new BenchCommand(), new dev.crossbar.app.chaos.ChaosCommand()).execute(args));
    }
}
