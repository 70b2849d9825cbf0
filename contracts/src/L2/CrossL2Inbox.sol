// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Identifier } from "L2/Identifier.sol";

/// @notice The executing message's checksum is not declared in the transaction's access list.
/// @dev    The name is the interop specification's (`interop/predeploys.md`); OP's
///         contracts-bedrock code names the same check `NotInAccessList()`.
error NonDeclaredExecutingMessage();

/// @notice The identifier's block number does not fit in 64 bits.
error BlockNumberTooHigh();

/// @notice The identifier's timestamp does not fit in 64 bits.
error TimestampTooHigh();

/// @notice The identifier's log index does not fit in 32 bits.
error LogIndexTooHigh();

/// @title CrossL2Inbox
/// @notice The OP Stack interop predeploy at 0x4200000000000000000000000000000000000022, as the
///         interop specification defines it: a contract on the destination chain validates a
///         message from another chain by calling `validateMessage(id, msgHash)`, where `id`
///         identifies the source log and `msgHash` is keccak256 of its topics and data. The call
///         succeeds, and emits ExecutingMessage, only when the transaction declared the message in
///         its EIP-2930 access list: the storage slot named by the message's checksum
///         (`calculateChecksum`) under this contract's address must be warm. Whether the
///         identified log really exists on the source chain is not checked here: the chain's block
///         builder checks every ExecutingMessage against the source chain and does not keep a
///         block with an invalid one (on the devnet, the operator's interop check does it).
contract CrossL2Inbox {
    /// @notice Above this gas cost an SLOAD was cold (2100) rather than warm (100).
    uint256 internal constant WARM_READ_THRESHOLD = 1000;

    /// @notice Semantic version.
    string public constant version = "1.0.0";

    /// @notice Emitted for every message validated.
    /// @param msgHash keccak256 of the source log's topics and data.
    /// @param id      Identifier of the source log.
    event ExecutingMessage(bytes32 indexed msgHash, Identifier id);

    /// @notice Validates a message from another chain: reverts with NonDeclaredExecutingMessage
    ///         unless the transaction's access list declares the checksum of `_id` and
    ///         `_msgHash` under this contract, then emits ExecutingMessage.
    /// @param _id      Identifier of the source log.
    /// @param _msgHash keccak256 of the source log's topics and data.
    function validateMessage(Identifier calldata _id, bytes32 _msgHash) external {
        bytes32 checksum = calculateChecksum(_id, _msgHash);
        (bool warm,) = _isWarm(checksum);
        if (!warm) revert NonDeclaredExecutingMessage();
        emit ExecutingMessage(_msgHash, _id);
    }

    /// @notice The checksum storage key (type 3) of a message's access-list entries:
    ///         logHash = keccak256(origin ++ msgHash);
    ///         idLogHash = keccak256(logHash ++ uint96(0) ++ uint64 blockNumber ++ uint64 timestamp
    ///         ++ uint32 logIndex); checksum = keccak256(idLogHash ++ chainId) with its first byte
    ///         set to 0x03.
    /// @param _id      Identifier of the source log.
    /// @param _msgHash keccak256 of the source log's topics and data.
    /// @return checksum_ The checksum.
    function calculateChecksum(Identifier memory _id, bytes32 _msgHash) public pure returns (bytes32 checksum_) {
        if (_id.blockNumber > type(uint64).max) revert BlockNumberTooHigh();
        if (_id.logIndex > type(uint32).max) revert LogIndexTooHigh();
        if (_id.timestamp > type(uint64).max) revert TimestampTooHigh();

        bytes32 logHash = keccak256(abi.encodePacked(_id.origin, _msgHash));
        bytes32 idPacked = bytes32(
            abi.encodePacked(uint96(0), uint64(_id.blockNumber), uint64(_id.timestamp), uint32(_id.logIndex))
        );
        bytes32 idLogHash = keccak256(abi.encodePacked(logHash, idPacked));
        bytes32 bareChecksum = keccak256(abi.encodePacked(idLogHash, _id.chainId));
        checksum_ = (bareChecksum & ~bytes32(uint256(0xff) << 248)) | bytes32(uint256(0x03) << 248);
    }

    /// @notice Whether `_slot` of this contract is warm, told by the gas its SLOAD costs, and its
    ///         value.
    function _isWarm(bytes32 _slot) internal view returns (bool isWarm_, uint256 value_) {
        assembly ("memory-safe") {
            let startGas := gas()
            value_ := sload(_slot)
            let endGas := gas()
            isWarm_ := iszero(gt(sub(startGas, endGas), WARM_READ_THRESHOLD))
        }
    }
}
