package dev.crossbar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict}: no error and no warning, with the default values and the production-like ones. */
class ChartLintTest {
    @Test
    void lintStrictIsCleanForTheDefaultValues() {
        assertClean(Helm.run("lint", "--strict", Repo.chart().toString()));
    }

    @Test
    void lintStrictIsCleanForTheProductionValues() {
        assertClean(Helm.run("lint", "--strict", Repo.chart().toString(), "--values",
                Repo.productionValues().toString()));
    }

    static void assertClean(Helm.Result r) {
        assertThat(r.exitCode()).as(r.all()).isZero();
        List<String> lines = Arrays.asList(r.all().split("\n"));
        assertThat(lines).as(r.all()).noneMatch(l -> l.contains("[WARNING]") || l.contains("[ERROR]"));
        assertThat(r.out()).contains("1 chart(s) linted, 0 chart(s) failed");
    }
}
