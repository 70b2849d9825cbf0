package dev.crossbar.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchRolesTest {
    @Test
    void heapIsTheSumOfTheHeapPoolsOnly() {
        String page = """
                # HELP crossbar_jvm_memory_used_bytes The amount of used memory
                # TYPE crossbar_jvm_memory_used_bytes gauge
                crossbar_jvm_memory_used_bytes{area="heap",id="G1 Eden Space",role="relayer"} 1.048576E7
                crossbar_jvm_memory_used_bytes{area="heap",id="G1 Old Gen",role="relayer"} 2097152.0
                crossbar_jvm_memory_used_bytes{area="nonheap",id="Metaspace",role="relayer"} 5.0E7
                crossbar_jvm_memory_max_bytes{area="heap",id="G1 Old Gen",role="relayer"} 5.36870912E8
                """;
        assertThat(BenchRoles.heapUsed(page)).isEqualTo(10_485_760L + 2_097_152L);
        assertThat(BenchRoles.heapUsed("# nothing\n")).isEqualTo(-1);
    }

    @Test
    void procStatusOfThisProcessHasAResidentSize() {
        long rss = BenchRoles.procStatus(ProcessHandle.current().pid(), "VmRSS");
        assertThat(rss).isGreaterThan(1024 * 1024);
        assertThat(BenchRoles.procStatus(ProcessHandle.current().pid(), "NoSuchField")).isEqualTo(-1);
    }
}
