package dev.crossbar.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration reference is generated from the declarations, and the committed copy is that output. */
class ConfigDocsTest {
    static final Path COMMITTED = Path.of("..", "docs", "configuration.md");

    @Test
    void theCommittedReferenceIsTheGeneratedOne() throws Exception {
        assertThat(COMMITTED).as("docs/configuration.md (regenerate: crossbar config docs -o docs/configuration.md)")
                .exists();
        assertThat(Files.readString(COMMITTED)).as("docs/configuration.md is stale: regenerate it with "
                + "crossbar config docs -o docs/configuration.md").isEqualTo(ConfigDocs.markdown());
    }

    @Test
    void everySettingIsDocumentedWithItsTypeDefaultAndVariable() {
        String md = ConfigDocs.markdown();
        List<String> rows = new ArrayList<>();
        collect(Config.SCHEMA, "", rows);
        assertThat(rows).hasSizeGreaterThan(60);
        for (String row : rows) {
            assertThat(md).contains(row);
        }
        assertThat(md).contains("| `jdbcUrl` | jdbc:postgresql://host:port/database | **required for postgres** | "
                + "`CROSSBAR_STORE_POSTGRES_JDBC_URL` |");
        assertThat(md).contains("| `confirmations` | block count, safe or finalized | `2` | "
                + "`CROSSBAR_CHAINS_<i>_CONFIRMATIONS` |");
    }

    private static void collect(Section s, String path, List<String> rows) {
        for (Entry e : s.entries()) {
            if (e instanceof Key<?> k) {
                assertThat(k.doc()).as(path + k.name()).isNotBlank();
                rows.add("| `" + k.name() + "` | " + k.type().describe().replace("|", "\\|"));
            } else if (e instanceof Section child) {
                assertThat(child.doc()).isNotBlank();
                collect(child, path + child.name() + ".", rows);
            }
        }
    }
}
