package dev.crossbar.monitor.game;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * An in-memory FaultDisputeGame (contracts-bedrock 0.17.3, FaultDisputeGame 1.2.0) on the AlphabetVM: the rules of
 * {@code move}, {@code step}, {@code addLocalData} and {@code resolveClaim} written out from the Solidity, with the
 * contract's revert reasons. Clocks and bonds are left out: the solver decides neither.
 */
final class SimulatedGame {
    /** A call the contract would revert, with its error's name. */
    static final class Revert extends RuntimeException {
        Revert(String reason) {
            super(reason);
        }
    }

    private static final class Entry {
        final long parentIndex;
        final String claimant;
        final byte[] value;
        final Position position;
        String counteredBy = Claim.NOBODY;

        Entry(long parentIndex, String claimant, byte[] value, Position position) {
            this.parentIndex = parentIndex;
            this.claimant = claimant;
            this.value = value.clone();
            this.position = position;
        }
    }

    /** The starting and disputed outputs of an execution sub-game: {@code _findStartingAndDisputedOutputs}. */
    record Outputs(byte[] starting, Position startingPos, byte[] disputed, Position disputedPos) {}

    final int maxDepth;
    final int splitDepth;
    final long startingBlock;
    private final byte[] startingRoot;
    private final byte[] absolutePrestate;
    private final AlphabetVmModel vm;
    private final List<Entry> claims = new ArrayList<>();
    private final Set<String> claimHashes = new HashSet<>();
    /** Local data loaded into the oracle, by local context, ident and part offset: the disputed L2 block. */
    private final Map<String, Long> localData = new HashMap<>();

    SimulatedGame(int maxDepth, int splitDepth, long startingBlock, byte[] startingRoot, byte[] rootClaim,
            String creator, byte[] absolutePrestate) {
        this.maxDepth = maxDepth;
        this.splitDepth = splitDepth;
        this.startingBlock = startingBlock;
        this.startingRoot = startingRoot.clone();
        this.absolutePrestate = absolutePrestate.clone();
        this.vm = new AlphabetVmModel(absolutePrestate);
        claims.add(new Entry(Claim.NO_PARENT, creator, rootClaim, Position.ROOT));
    }

    /** The claims as the chain would return them. */
    GameState state() {
        List<Claim> out = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            Entry e = claims.get(i);
            out.add(new Claim(i, e.parentIndex, e.counteredBy, e.claimant, BigInteger.ZERO, e.value, e.position,
                    null));
        }
        return new GameState(maxDepth, splitDepth, out);
    }

    int size() {
        return claims.size();
    }

    /** Sends {@code action} from {@code who}: a step first loads its local data, as the sender does. */
    void apply(String who, Action action) {
        switch (action) {
            case Action.Move m -> move(who, m.parentIndex(), m.disputedClaim(), m.newClaim(), m.isAttack());
            case Action.Step s -> {
                if (s.localData() != null) {
                    addLocalData(s.localData().ident(), s.claimIndex(), s.localData().partOffset());
                }
                step(who, s.claimIndex(), s.isAttack(), s.stateData(), s.proof());
            }
        }
    }

    /** {@code FaultDisputeGame.move}. */
    void move(String who, int challengeIndex, byte[] disputed, byte[] claim, boolean isAttack) {
        Entry parent = entry(challengeIndex);
        if (!Arrays.equals(parent.value, disputed)) {
            throw new Revert("InvalidDisputedClaimIndex");
        }
        Position next = parent.position.move(isAttack);
        int depth = next.depth();
        if ((challengeIndex == 0 || depth == splitDepth + 2) && !isAttack) {
            throw new Revert("CannotDefendRootClaim");
        }
        if (depth > maxDepth) {
            throw new Revert("GameDepthExceeded");
        }
        if (depth == splitDepth + 1) {
            verifyExecBisectionRoot(claim, challengeIndex, parent.position, isAttack);
        }
        if (!claimHashes.add(Numeric.toHexString(claim) + "@" + next.gindex() + "/" + challengeIndex)) {
            throw new Revert("ClaimAlreadyExists");
        }
        claims.add(new Entry(challengeIndex, who, claim, next));
    }

    /** {@code FaultDisputeGame.step}, on the AlphabetVM. */
    void step(String who, int claimIndex, boolean isAttack, byte[] stateData, byte[] proof) {
        Entry parent = entry(claimIndex);
        Position parentPos = parent.position;
        Position stepPos = parentPos.move(isAttack);
        if (stepPos.depth() != maxDepth + 1) {
            throw new Revert("InvalidParent");
        }
        byte[] preStateClaim;
        Entry postState;
        if (isAttack) {
            BigInteger leaves = BigInteger.ONE.shiftLeft(maxDepth - splitDepth);
            preStateClaim = stepPos.indexAtDepth().mod(leaves).signum() == 0 ? absolutePrestate
                    : findTraceAncestor(new Position(parentPos.gindex().subtract(BigInteger.ONE)),
                            (int) parent.parentIndex, false).value;
            postState = parent;
        } else {
            preStateClaim = parent.value;
            postState = findTraceAncestor(new Position(parentPos.gindex().add(BigInteger.ONE)),
                    (int) parent.parentIndex, false);
        }
        if (!Arrays.equals(Arrays.copyOfRange(Hash.sha3(stateData), 1, 32), Arrays.copyOfRange(preStateClaim, 1, 32))) {
            throw new Revert("InvalidPrestate");
        }
        byte[] uuid = localContext(outputs(claimIndex));
        byte[] post = vm.step(stateData, localData.get(Numeric.toHexString(uuid) + "/4/0"));
        boolean validStep = Arrays.equals(post, postState.value);
        boolean parentPostAgree = (parentPos.depth() - postState.position.depth()) % 2 == 0;
        if (parentPostAgree == validStep) {
            throw new Revert("ValidStep");
        }
        if (!parent.counteredBy.equals(Claim.NOBODY)) {
            throw new Revert("DuplicateStep");
        }
        parent.counteredBy = who;
    }

    /** {@code FaultDisputeGame.addLocalData}, for the AlphabetVM's one local datum. */
    void addLocalData(int ident, int execLeafIdx, int partOffset) {
        if (ident < 1 || ident > 5) {
            throw new Revert("InvalidLocalIdent");
        }
        Outputs o = outputs(execLeafIdx);
        if (ident == TraceProvider.LocalPreimage.DISPUTED_L2_BLOCK_NUMBER) {
            long block = startingBlock + o.disputedPos().traceIndex(splitDepth).longValueExact() + 1;
            localData.put(Numeric.toHexString(localContext(o)) + "/" + ident + "/" + partOffset, block);
        }
    }

    /** {@code _findStartingAndDisputedOutputs(start)}. */
    Outputs outputs(int start) {
        int claimIdx = start;
        Entry claim = entry(claimIdx);
        if (claim.position.depth() <= splitDepth) {
            throw new Revert("ClaimAboveSplit");
        }
        Entry execRoot = claim;
        int depth;
        while ((depth = claim.position.depth()) > splitDepth) {
            if (depth == splitDepth + 1) {
                execRoot = claim;
            }
            claimIdx = (int) claim.parentIndex;
            claim = entry(claimIdx);
        }
        boolean wasAttack = execRoot.position.parent().equals(claim.position);
        if (wasAttack) {
            if (claim.position.indexAtDepth().signum() > 0) {
                Entry starting = findTraceAncestor(new Position(claim.position.gindex().subtract(BigInteger.ONE)),
                        claimIdx, true);
                return new Outputs(starting.value, starting.position, claim.value, claim.position);
            }
            return new Outputs(startingRoot, null, claim.value, claim.position);
        }
        Entry disputed = findTraceAncestor(new Position(claim.position.gindex().add(BigInteger.ONE)), claimIdx, true);
        return new Outputs(claim.value, claim.position, disputed.value, disputed.position);
    }

    /** {@code _computeLocalContext}: a missing starting position (0) leaves the starting pair out. */
    static byte[] localContext(Outputs o) {
        byte[] disputed = concat(o.disputed(), word(o.disputedPos().gindex()));
        return Hash.sha3(o.startingPos() == null ? disputed
                : concat(concat(o.starting(), word(o.startingPos().gindex())), disputed));
    }

    /**
     * {@code resolveClaim} for every claim, deepest first, as the chain would after every clock ran out: a claim
     * with children is countered by its left-most uncountered child, a leaf keeps what a step set.
     *
     * @return the claims after resolution; the root is countered when the challenger wins
     */
    List<Claim> resolve() {
        int n = claims.size();
        String[] countered = new String[n];
        for (int i = n - 1; i >= 0; i--) {
            BigInteger leftmost = null;
            String by = Claim.NOBODY;
            boolean hasChildren = false;
            for (int k = i + 1; k < n; k++) {
                Entry child = claims.get(k);
                if (child.parentIndex != i) {
                    continue;
                }
                hasChildren = true;
                if (countered[k].equals(Claim.NOBODY)
                        && (leftmost == null || leftmost.compareTo(child.position.gindex()) > 0)) {
                    by = child.claimant;
                    leftmost = child.position.gindex();
                }
            }
            countered[i] = hasChildren || i == 0 ? by : claims.get(i).counteredBy;
        }
        List<Claim> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Entry e = claims.get(i);
            out.add(new Claim(i, e.parentIndex, countered[i], e.claimant, BigInteger.ZERO, e.value, e.position, null));
        }
        return out;
    }

    /** {@code _verifyExecBisectionRoot}. */
    private void verifyExecBisectionRoot(byte[] rootClaim, int parentIdx, Position parentPos, boolean isAttack) {
        Entry disputed = findTraceAncestor(new Position(parentPos.gindex().add(BigInteger.ONE)), parentIdx, true);
        int vmStatus = rootClaim[0] & 0xFF;
        if (isAttack || disputed.position.depth() % 2 == splitDepth % 2) {
            if (!(vmStatus == 1 || vmStatus == 2)) {
                throw new Revert("UnexpectedRootClaim");
            }
        } else if (vmStatus != 0) {
            throw new Revert("UnexpectedRootClaim");
        }
    }

    /** {@code _findTraceAncestor}. */
    private Entry findTraceAncestor(Position pos, int start, boolean global) {
        Position target;
        try {
            target = global ? pos.traceAncestor() : pos.traceAncestorBounded(splitDepth);
        } catch (IllegalStateException e) {
            throw new Revert("ClaimAboveSplit");
        }
        Entry ancestor = entry(start);
        while (!ancestor.position.equals(target)) {
            if (ancestor.parentIndex == Claim.NO_PARENT) {
                throw new Revert("array out-of-bounds walking up to " + target);
            }
            ancestor = entry((int) ancestor.parentIndex);
        }
        return ancestor;
    }

    private Entry entry(int index) {
        if (index < 0 || index >= claims.size()) {
            throw new Revert("array out-of-bounds: claim " + index);
        }
        return claims.get(index);
    }

    private static byte[] word(BigInteger v) {
        return Numeric.toBytesPadded(v, 32);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
