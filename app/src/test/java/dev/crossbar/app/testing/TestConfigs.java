package dev.crossbar.app.testing;

import dev.crossbar.app.config.Config;
import dev.crossbar.app.config.ConfigLoader;
import java.util.Map;

/** Configurations for tests: an L1 (900) and two L2s (901, 902). */
public final class TestConfigs {
    public static final String ORACLE = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    public static final String PORTAL = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
    public static final String MESSENGER = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";

    private TestConfigs() {}

    /**
     * @param rpc the endpoints of l1, l2a and l2b
     * @param extra more YAML (store, http, ...)
     */
    public static String yaml(String l1Rpc, String l2aRpc, String l2bRpc, String extra) {
        return """
                chains:
                  - name: l1
                    chainId: 900
                    role: L1
                    rpc: [%s]
                    settlements:
                      - {l2ChainId: 901, kind: outputOracle, outputOracle: "%s", portal: "%s", l1Messenger: "%s"}
                      - {l2ChainId: 902, kind: outputOracle, outputOracle: "%s", portal: "%s", l1Messenger: "%s"}
                  - {name: l2a, chainId: 901, role: L2, rpc: [%s], settlesOn: 900}
                  - {name: l2b, chainId: 902, role: L2, rpc: [%s], settlesOn: 900}
                kafka:
                  bootstrapServers: 127.0.0.1:9
                """.formatted(l1Rpc, ORACLE, PORTAL, MESSENGER, ORACLE, PORTAL, MESSENGER, l2aRpc, l2bRpc) + extra;
    }

    public static Config config(String yaml, Map<String, String> env) {
        return ConfigLoader.parse(yaml, "test.yaml", env).config();
    }
}
