// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Types } from "src/libraries/Types.sol";

/// @title OutputOracle
/// @notice Crossbar's counterpart of the OP Stack's L2OutputOracle (the pre-fault-proof output
///         oracle): an append-only list of output roots, each a commitment to the state of the
///         L2 at one L2 block, proposed by a permissioned proposer and deletable by a permissioned
///         challenger while it is still inside its challenge window. The Portal proves
///         withdrawals against these outputs. Function signatures, events, the
///         `Types.OutputProposal` struct and the storage of `l2Outputs` are the OP Stack's;
///         configuration is immutable (no proxy, no initializer).
///         Deliberate difference: an output may be proposed for ANY L2 block at least
///         `SUBMISSION_INTERVAL` past the latest one (OP requires exactly the next block number,
///         and that its computed timestamp is in the past), because the devnet L2 does not produce
///         blocks at a fixed rate.
contract OutputOracle {
    /// @notice Minimum number of L2 blocks between two proposed outputs.
    uint256 public immutable SUBMISSION_INTERVAL;

    /// @notice Nominal time between two L2 blocks, in seconds (used by computeL2Timestamp only).
    uint256 public immutable L2_BLOCK_TIME;

    /// @notice The only address allowed to propose outputs.
    address public immutable PROPOSER;

    /// @notice The only address allowed to delete outputs that are still inside their window.
    address public immutable CHALLENGER;

    /// @notice Challenge window: seconds an output must stand before withdrawals proven against
    ///         it can be finalized, and after which it can no longer be deleted.
    uint256 public immutable FINALIZATION_PERIOD_SECONDS;

    /// @notice Number of the L2 block the oracle starts at (the latest block number while no
    ///         output has been proposed).
    uint256 public immutable startingBlockNumber;

    /// @notice Timestamp of the L2 block `startingBlockNumber`.
    uint256 public immutable startingTimestamp;

    /// @notice Proposed outputs, in proposal order. Deletion shortens the array.
    Types.OutputProposal[] internal l2Outputs;

    /// @notice Emitted when an output is proposed.
    /// @param outputRoot    The output root.
    /// @param l2OutputIndex Index of the output in the list.
    /// @param l2BlockNumber L2 block number the output commits to.
    /// @param l1Timestamp   L1 timestamp of the proposal (starts the output's challenge window).
    event OutputProposed(
        bytes32 indexed outputRoot, uint256 indexed l2OutputIndex, uint256 indexed l2BlockNumber, uint256 l1Timestamp
    );

    /// @notice Emitted when the challenger deletes outputs.
    /// @param prevNextOutputIndex Next output index before the deletion (the old list length).
    /// @param newNextOutputIndex  Next output index after the deletion (the first deleted index).
    event OutputsDeleted(uint256 indexed prevNextOutputIndex, uint256 indexed newNextOutputIndex);

    /// @param _submissionInterval        Minimum L2 blocks between outputs; must be > 0.
    /// @param _l2BlockTime               Nominal L2 block time in seconds; must be > 0.
    /// @param _startingBlockNumber       First L2 block number of the oracle.
    /// @param _startingTimestamp         Timestamp of that block; must not be in the future.
    /// @param _proposer                  Proposer address.
    /// @param _challenger                Challenger address.
    /// @param _finalizationPeriodSeconds Challenge window in seconds.
    constructor(
        uint256 _submissionInterval,
        uint256 _l2BlockTime,
        uint256 _startingBlockNumber,
        uint256 _startingTimestamp,
        address _proposer,
        address _challenger,
        uint256 _finalizationPeriodSeconds
    ) {
        require(_submissionInterval > 0, "OutputOracle: submission interval must be greater than 0");
        require(_l2BlockTime > 0, "OutputOracle: L2 block time must be greater than 0");
        require(
            _startingTimestamp <= block.timestamp, "OutputOracle: starting L2 timestamp must be less than current time"
        );
        SUBMISSION_INTERVAL = _submissionInterval;
        L2_BLOCK_TIME = _l2BlockTime;
        startingBlockNumber = _startingBlockNumber;
        startingTimestamp = _startingTimestamp;
        PROPOSER = _proposer;
        CHALLENGER = _challenger;
        FINALIZATION_PERIOD_SECONDS = _finalizationPeriodSeconds;
    }

    /// @notice Same as SUBMISSION_INTERVAL.
    function submissionInterval() external view returns (uint256) {
        return SUBMISSION_INTERVAL;
    }

    /// @notice Same as L2_BLOCK_TIME.
    function l2BlockTime() external view returns (uint256) {
        return L2_BLOCK_TIME;
    }

    /// @notice Same as PROPOSER.
    function proposer() external view returns (address) {
        return PROPOSER;
    }

    /// @notice Same as CHALLENGER.
    function challenger() external view returns (address) {
        return CHALLENGER;
    }

    /// @notice Same as FINALIZATION_PERIOD_SECONDS.
    function finalizationPeriodSeconds() external view returns (uint256) {
        return FINALIZATION_PERIOD_SECONDS;
    }

    /// @notice Deletes the output at `_l2OutputIndex` and every later output. Only the
    ///         CHALLENGER may call it, the index must exist, and the output at the index must still
    ///         be inside its challenge window (block.timestamp - its proposal timestamp <
    ///         FINALIZATION_PERIOD_SECONDS): a finalized output can never be deleted. Withdrawals
    ///         proven against a deleted output cannot be finalized and must be proven again.
    /// @param _l2OutputIndex Index of the first output to delete.
    function deleteL2Outputs(uint256 _l2OutputIndex) external {
        require(msg.sender == CHALLENGER, "OutputOracle: only the challenger can delete outputs");
        require(_l2OutputIndex < l2Outputs.length, "OutputOracle: cannot delete outputs after the latest output index");
        require(
            block.timestamp - l2Outputs[_l2OutputIndex].timestamp < FINALIZATION_PERIOD_SECONDS,
            "OutputOracle: cannot delete outputs that have already been finalized"
        );

        uint256 prevNextOutputIndex = l2Outputs.length;

        // Shorten the array in O(1) by writing its length. The stale entries past the new length
        // are unreachable (every read is bounds-checked) and are overwritten by later proposals.
        Types.OutputProposal[] storage outputs = l2Outputs;
        assembly ("memory-safe") {
            sstore(outputs.slot, _l2OutputIndex)
        }

        emit OutputsDeleted(prevNextOutputIndex, _l2OutputIndex);
    }

    /// @notice Proposes the output root `_outputRoot` for L2 block `_l2BlockNumber`. Rules: only
    ///         the PROPOSER; no ETH may be sent; the root must not be zero; the block number must be
    ///         at least nextBlockNumber() (latest proposed block + SUBMISSION_INTERVAL) and fit in
    ///         128 bits; and if `_l1BlockHash` is not zero it must be the hash of L1 block
    ///         `_l1BlockNumber` (so a proposal made against an L1 block that gets reorged out
    ///         fails; this also fails for blocks older than 256).
    /// @param _outputRoot    The output root of the L2 block.
    /// @param _l2BlockNumber The L2 block number the output root commits to.
    /// @param _l1BlockHash   Hash of a recent L1 block, or zero to skip the check.
    /// @param _l1BlockNumber Number of that L1 block.
    function proposeL2Output(
        bytes32 _outputRoot,
        uint256 _l2BlockNumber,
        bytes32 _l1BlockHash,
        uint256 _l1BlockNumber
    )
        external
        payable
    {
        require(msg.sender == PROPOSER, "OutputOracle: only the proposer can propose outputs");
        require(msg.value == 0, "OutputOracle: proposals do not accept ETH");
        require(_outputRoot != bytes32(0), "OutputOracle: L2 output proposal cannot be the zero hash");
        require(
            _l2BlockNumber >= nextBlockNumber(),
            "OutputOracle: block number must be at least the next expected block number"
        );
        require(_l2BlockNumber <= type(uint128).max, "OutputOracle: block number does not fit in 128 bits");
        if (_l1BlockHash != bytes32(0)) {
            require(
                blockhash(_l1BlockNumber) == _l1BlockHash,
                "OutputOracle: block hash does not match the hash at the expected height"
            );
        }

        emit OutputProposed(_outputRoot, l2Outputs.length, _l2BlockNumber, block.timestamp);

        l2Outputs.push(
            Types.OutputProposal({
                outputRoot: _outputRoot,
                timestamp: uint128(block.timestamp),
                l2BlockNumber: uint128(_l2BlockNumber)
            })
        );
    }

    /// @notice The output at `_l2OutputIndex`. Reverts when no output has that index (never
    ///         proposed, or deleted).
    /// @param _l2OutputIndex Index of the output.
    /// @return The output (outputRoot, L1 proposal timestamp, L2 block number).
    function getL2Output(uint256 _l2OutputIndex) external view returns (Types.OutputProposal memory) {
        require(_l2OutputIndex < l2Outputs.length, "OutputOracle: no output at this index");
        return l2Outputs[_l2OutputIndex];
    }

    /// @notice Index of the first output whose L2 block number is >= `_l2BlockNumber` (binary
    ///         search; L2 block numbers increase with the index). Reverts when no output has been
    ///         proposed or when the block is after the latest proposed one, with the revert
    ///         strings of the OP Stack's L2OutputOracle (clients such as viem read "cannot get
    ///         output for a block that has not been proposed" as "waiting to prove").
    /// @param _l2BlockNumber L2 block number to find a checkpoint for.
    /// @return Index of the first output that commits to the block or a later one.
    function getL2OutputIndexAfter(uint256 _l2BlockNumber) public view returns (uint256) {
        require(
            _l2BlockNumber <= latestBlockNumber(),
            "L2OutputOracle: cannot get output for a block that has not been proposed"
        );
        require(l2Outputs.length > 0, "L2OutputOracle: cannot get output as no outputs have been proposed yet");

        uint256 lo = 0;
        uint256 hi = l2Outputs.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (l2Outputs[mid].l2BlockNumber < _l2BlockNumber) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /// @notice The first output whose L2 block number is >= `_l2BlockNumber`; reverts as
    ///         getL2OutputIndexAfter does.
    /// @param _l2BlockNumber L2 block number to find a checkpoint for.
    /// @return The output.
    function getL2OutputAfter(uint256 _l2BlockNumber) external view returns (Types.OutputProposal memory) {
        return l2Outputs[getL2OutputIndexAfter(_l2BlockNumber)];
    }

    /// @notice Index of the latest output. Reverts when there is none.
    function latestOutputIndex() external view returns (uint256) {
        require(l2Outputs.length > 0, "OutputOracle: no outputs have been proposed yet");
        return l2Outputs.length - 1;
    }

    /// @notice Index the next proposed output will get (the number of outputs).
    function nextOutputIndex() public view returns (uint256) {
        return l2Outputs.length;
    }

    /// @notice L2 block number of the latest output, or startingBlockNumber when there is none.
    function latestBlockNumber() public view returns (uint256) {
        uint256 length = l2Outputs.length;
        return length == 0 ? startingBlockNumber : l2Outputs[length - 1].l2BlockNumber;
    }

    /// @notice Smallest L2 block number the next proposal may use: latestBlockNumber() +
    ///         SUBMISSION_INTERVAL.
    function nextBlockNumber() public view returns (uint256) {
        return latestBlockNumber() + SUBMISSION_INTERVAL;
    }

    /// @notice Nominal timestamp of an L2 block: startingTimestamp + (block - startingBlockNumber) *
    ///         L2_BLOCK_TIME. Only an estimate on the devnet, whose L2 blocks are not produced at a
    ///         fixed rate. Reverts for blocks before startingBlockNumber.
    /// @param _l2BlockNumber The L2 block number.
    /// @return The nominal L2 timestamp of the block.
    function computeL2Timestamp(uint256 _l2BlockNumber) public view returns (uint256) {
        return startingTimestamp + ((_l2BlockNumber - startingBlockNumber) * L2_BLOCK_TIME);
    }
}
