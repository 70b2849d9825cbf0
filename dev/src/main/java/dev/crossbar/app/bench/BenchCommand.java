package dev.crossbar.app.bench;

import picocli.CommandLine.Command;

/** {@code crossbar bench ...}: benchmarks that print their figures. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks on a fresh devnet; each prints its figures (nothing is asserted).",
        subcommands = {BackfillBenchmark.class, RelayBenchmark.class, InflightBenchmark.class,
                LatencyBenchmark.class, StartupBenchmark.class})
public final class BenchCommand {}
