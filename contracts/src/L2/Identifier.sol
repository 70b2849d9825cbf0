// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Identifier of a log on a source chain, as OP Stack interop defines it (the CrossL2Inbox
///         `Identifier`): the L2ToL2CrossDomainMessenger's relayMessage takes the identifier of the source
///         chain's SentMessage log.
/// @custom:field origin      Address that emitted the log.
/// @custom:field blockNumber Number of the block that contains the log.
/// @custom:field logIndex    Index of the log in that block.
/// @custom:field timestamp   Timestamp of that block.
/// @custom:field chainId     Chain id of the source chain.
struct Identifier {
    address origin;
    uint256 blockNumber;
    uint256 logIndex;
    uint256 timestamp;
    uint256 chainId;
}
