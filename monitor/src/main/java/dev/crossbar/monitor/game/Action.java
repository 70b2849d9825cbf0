package dev.crossbar.monitor.game;

import java.util.Arrays;
import org.web3j.utils.Numeric;

/** A transaction the honest player owes a game: a move, or a step of the VM on a leaf claim. */
public sealed interface Action permits Action.Move, Action.Step {

    /**
     * {@code attack(disputedClaim, parentIndex, newClaim)} or {@code defend(...)}, with the bond
     * {@code getRequiredBond(position)}.
     *
     * @param parentIndex the claim countered
     * @param disputedClaim its value (the contract checks it, so a move never lands on another claim)
     * @param newClaim the value claimed
     * @param isAttack attack (left child) or defense (left child of the right sibling)
     * @param position where the new claim will stand
     */
    record Move(int parentIndex, byte[] disputedClaim, byte[] newClaim, boolean isAttack, Position position)
            implements Action {
        public Move {
            disputedClaim = disputedClaim.clone();
            newClaim = newClaim.clone();
        }

        @Override
        public byte[] disputedClaim() {
            return disputedClaim.clone();
        }

        @Override
        public byte[] newClaim() {
            return newClaim.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Move m && parentIndex == m.parentIndex && isAttack == m.isAttack
                    && position.equals(m.position) && Arrays.equals(disputedClaim, m.disputedClaim)
                    && Arrays.equals(newClaim, m.newClaim);
        }

        @Override
        public int hashCode() {
            return 31 * position.hashCode() + Arrays.hashCode(newClaim);
        }

        @Override
        public String toString() {
            return (isAttack ? "attack " : "defend ") + parentIndex + " with " + Numeric.toHexString(newClaim)
                    + " at " + position;
        }
    }

    /**
     * {@code step(claimIndex, isAttack, stateData, proof)}, after loading {@code localData} (when not null) with
     * {@code addLocalData(localData.ident(), claimIndex, localData.partOffset())}.
     *
     * @param claimIndex the leaf claim (at the max depth) countered
     * @param isAttack an attack step (the VM from the state before the leaf's trace index must not reach the leaf's
     *     claim) or a defense step (from the leaf's state, the VM must not reach the claim at the next index)
     * @param stateData the pre-state
     * @param proof the VM's proof
     * @param localData the local preimage the VM reads, or null
     */
    record Step(int claimIndex, boolean isAttack, byte[] stateData, byte[] proof,
            TraceProvider.LocalPreimage localData) implements Action {
        public Step {
            stateData = stateData.clone();
            proof = proof.clone();
        }

        @Override
        public byte[] stateData() {
            return stateData.clone();
        }

        @Override
        public byte[] proof() {
            return proof.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Step s && claimIndex == s.claimIndex && isAttack == s.isAttack
                    && Arrays.equals(stateData, s.stateData) && Arrays.equals(proof, s.proof)
                    && java.util.Objects.equals(localData, s.localData);
        }

        @Override
        public int hashCode() {
            return 31 * claimIndex + Arrays.hashCode(stateData);
        }

        @Override
        public String toString() {
            return (isAttack ? "attack step on " : "defense step on ") + claimIndex + " from "
                    + Numeric.toHexString(stateData) + (localData == null ? "" : " with local data " + localData);
        }
    }
}
