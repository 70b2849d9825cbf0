// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title LogEmitter
/// @notice Test support: emits any log, so that tests can feed the watchers malformed and unknown
///         events, or a flood of well-formed ones, from an address they are told to watch.
contract LogEmitter {
    /// @notice Emits one log with the given topics (0 to 4) and data.
    function emitLog(bytes32[] calldata _topics, bytes calldata _data) external {
        _emit(_topics, _data);
    }

    /// @notice Emits the same log `_count` times in one transaction.
    function emitMany(bytes32[] calldata _topics, bytes calldata _data, uint256 _count) external {
        for (uint256 i = 0; i < _count; i++) {
            _emit(_topics, _data);
        }
    }

    function _emit(bytes32[] calldata _topics, bytes calldata _data) private {
        require(_topics.length <= 4, "LogEmitter: at most 4 topics");
        bytes memory data = _data;
        uint256 n = _topics.length;
        assembly {
            let ptr := add(data, 32)
            let len := mload(data)
            switch n
            case 0 { log0(ptr, len) }
            case 1 { log1(ptr, len, calldataload(_topics.offset)) }
            case 2 { log2(ptr, len, calldataload(_topics.offset), calldataload(add(_topics.offset, 32))) }
            case 3 {
                log3(ptr, len, calldataload(_topics.offset), calldataload(add(_topics.offset, 32)),
                    calldataload(add(_topics.offset, 64)))
            }
            default {
                log4(ptr, len, calldataload(_topics.offset), calldataload(add(_topics.offset, 32)),
                    calldataload(add(_topics.offset, 64)), calldataload(add(_topics.offset, 96)))
            }
        }
    }
}
