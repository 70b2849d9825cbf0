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
     * {@code step(claimIndex, isAttack, stateData, proof)}, after loading the step's local data (when it has any) with
     * {@code addLocalData(localData.ident(), claimIndex, localData.partOffset())}.
     *
     * @param claimIndex the leaf claim (at the max depth) countered
     * @param isAttack an attack step (the VM from the state before the leaf's trace index must not reach the leaf's
     *     claim) or a defense step (from the leaf's state, the VM must not reach the claim at the next index)
     * @param data the pre-state, the VM's proof and the local preimage it reads
     */
    record Step(int claimIndex, boolean isAttack, TraceProvider.StepData data) implements Action {
        public byte[] stateData() {
            return data.stateData();
        }

        public byte[] proof() {
            return data.proof();
        }

        /** The local preimage the VM reads, or null. */
        public TraceProvider.LocalPreimage localData() {
            return data.localData();
        }

        @Override
        public String toString() {
            return (isAttack ? "attack step on " : "defense step on ") + claimIndex + " from " + data;
        }
    }
}
