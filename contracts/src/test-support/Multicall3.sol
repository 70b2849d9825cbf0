// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Multicall3
/// @notice TEST SUPPORT. Batches calls in one transaction with the semantics of the canonical
///         Multicall3 (mds1/multicall): calls run in order from this contract; a call that does
///         not allow failure and fails reverts the whole batch with "Multicall3: call failed".
///         Used by the relayer to batch several relays in one transaction (the transaction's
///         access list declares every message the batch executes).
contract Multicall3 {
    /// @notice One call of aggregate3.
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    /// @notice One call of aggregate3Value.
    struct Call3Value {
        address target;
        bool allowFailure;
        uint256 value;
        bytes callData;
    }

    /// @notice One call of aggregate / tryAggregate.
    struct Call {
        address target;
        bytes callData;
    }

    /// @notice Outcome of one call.
    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Runs the calls in order without value. A failing call whose allowFailure is false
    ///         reverts the batch with "Multicall3: call failed".
    /// @param calls The calls.
    /// @return returnData Success flag and return data of each call.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        uint256 length = calls.length;
        returnData = new Result[](length);
        for (uint256 i = 0; i < length; i++) {
            Call3 calldata c = calls[i];
            Result memory result = returnData[i];
            (result.success, result.returnData) = c.target.call(c.callData);
            require(c.allowFailure || result.success, "Multicall3: call failed");
        }
    }

    /// @notice Runs the calls in order, each with its own value. msg.value must equal the sum of
    ///         the values ("Multicall3: value mismatch"). A failing call whose allowFailure is
    ///         false reverts the batch with "Multicall3: call failed".
    /// @param calls The calls.
    /// @return returnData Success flag and return data of each call.
    function aggregate3Value(Call3Value[] calldata calls) external payable returns (Result[] memory returnData) {
        uint256 length = calls.length;
        returnData = new Result[](length);
        uint256 valueTotal = 0;
        for (uint256 i = 0; i < length; i++) {
            Call3Value calldata c = calls[i];
            Result memory result = returnData[i];
            valueTotal += c.value;
            (result.success, result.returnData) = c.target.call{ value: c.value }(c.callData);
            require(c.allowFailure || result.success, "Multicall3: call failed");
        }
        require(msg.value == valueTotal, "Multicall3: value mismatch");
    }

    /// @notice Runs the calls in order; any failure reverts the batch with "Multicall3: call
    ///         failed".
    /// @param calls The calls.
    /// @return blockNumber The current block number.
    /// @return returnData  Return data of each call.
    function aggregate(Call[] calldata calls) external payable returns (uint256 blockNumber, bytes[] memory returnData) {
        blockNumber = block.number;
        uint256 length = calls.length;
        returnData = new bytes[](length);
        for (uint256 i = 0; i < length; i++) {
            bool success;
            (success, returnData[i]) = calls[i].target.call(calls[i].callData);
            require(success, "Multicall3: call failed");
        }
    }

    /// @notice Runs the calls in order; when `requireSuccess` is true any failure reverts the batch
    ///         with "Multicall3: call failed", otherwise failures are reported.
    /// @param requireSuccess Whether every call must succeed.
    /// @param calls          The calls.
    /// @return returnData Success flag and return data of each call.
    function tryAggregate(bool requireSuccess, Call[] calldata calls)
        external
        payable
        returns (Result[] memory returnData)
    {
        uint256 length = calls.length;
        returnData = new Result[](length);
        for (uint256 i = 0; i < length; i++) {
            Result memory result = returnData[i];
            (result.success, result.returnData) = calls[i].target.call(calls[i].callData);
            require(!requireSuccess || result.success, "Multicall3: call failed");
        }
    }

    /// @notice The current block number.
    function getBlockNumber() external view returns (uint256 blockNumber) {
        blockNumber = block.number;
    }

    /// @notice The current block timestamp.
    function getCurrentBlockTimestamp() external view returns (uint256 timestamp) {
        timestamp = block.timestamp;
    }

    /// @notice The chain id.
    function getChainId() external view returns (uint256 chainid) {
        chainid = block.chainid;
    }

    /// @notice The ETH balance of `addr`.
    /// @param addr The account.
    function getEthBalance(address addr) external view returns (uint256 balance) {
        balance = addr.balance;
    }
}
