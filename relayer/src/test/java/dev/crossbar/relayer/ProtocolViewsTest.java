package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.testkit.JsonRpcProxy;
import java.math.BigInteger;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The view calls the relayer decides on, decoded against the real contracts. */
class ProtocolViewsTest {
    static Pipeline p;

    @BeforeAll
    static void start() throws Exception {
        p = new Pipeline(1);
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @Test
    void outputsAreReadAsTheOracleHoldsThemAtTheBlockAskedAndAMissingOneReverts() throws Exception {
        var s = p.devnet.manifest().l2s().getFirst().settlement();
        EthApi l1 = p.clients.get(900L);
        long before = l1.blockNumber();
        p.proposeL2a();
        var onChain = p.operator.proposer("l2a").oracle().getL2Output(BigInteger.ZERO).send();
        ProtocolViews.Output o = ProtocolViews.output(l1, s.outputOracle(), BigInteger.ZERO);
        assertThat(o.root()).isEqualTo(onChain.outputRoot);
        assertThat(o.l2BlockNumber()).isEqualTo(onChain.l2BlockNumber.longValueExact());
        assertThat(o.timestamp()).isEqualTo(onChain.timestamp.longValueExact());
        assertThat(ProtocolViews.outputIndexAfter(l1, s.outputOracle(), 1)).isZero();
        assertThatThrownBy(() -> ProtocolViews.output(l1, s.outputOracle(), BigInteger.ONE))
                .isInstanceOf(EthApi.Reverted.class);
        assertThatThrownBy(() -> ProtocolViews.output(l1, s.outputOracle(), BigInteger.ZERO, EthApi.hex(before)))
                .as("not proposed yet at that block").isInstanceOf(EthApi.Reverted.class);
        assertThat(ProtocolViews.finalizationPeriod(l1, s.outputOracle()))
                .isEqualTo(p.devnet.config().finalizationPeriod().toSeconds());
        assertThat(ProtocolViews.provenWithdrawal(l1, s.portal(), new byte[32]).exists()).isFalse();
        assertThat(ProtocolViews.finalizedWithdrawal(l1, s.portal(), new byte[32])).isFalse();
        assertThat(DevKeys.RELAYER.address()).isNotBlank();
    }

    /**
     * An endpoint lying about state says a withdrawal was finalized when it was not: with the node itself as a second
     * endpoint, the "yes" is not believed (the relayer would otherwise mark the message delivered and lose it).
     */
    @Test
    void aDeliveryReportedDoneByALyingEndpointIsNotBelievedWhenAnotherEndpointSaysOtherwise() throws Exception {
        var s = p.devnet.manifest().l2s().getFirst().settlement();
        URI node = URI.create(p.devnet.l1().rpcUrl());
        try (JsonRpcProxy liar = JsonRpcProxy.start(p.vertx, node)) {
            liar.mode(JsonRpcProxy.Fault.LYING_STATE);
            byte[] hash = new byte[32];
            try (EthApi alone = EthApi.connect(p.vertx, 900, "l1-liar", List.of(liar.httpUrl()),
                    EthApi.DEFAULT_TIMEOUT, EthApi.DEFAULT_COOLDOWN)) {
                assertThat(ProtocolViews.finalizedWithdrawal(alone, s.portal(), hash))
                        .as("the lie, believed when it is the only endpoint").isTrue();
            }
            try (EthApi both = EthApi.connect(p.vertx, 900, "l1", List.of(liar.httpUrl(), node),
                    EthApi.DEFAULT_TIMEOUT, EthApi.DEFAULT_COOLDOWN)) {
                assertThat(ProtocolViews.finalizedWithdrawal(both, s.portal(), hash))
                        .as("not believed when the node itself says otherwise").isFalse();
                assertThat(liar.injected(JsonRpcProxy.Fault.LYING_STATE)).isPositive();
            }
        }
    }
}
