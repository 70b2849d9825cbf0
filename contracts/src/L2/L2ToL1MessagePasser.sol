// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Types } from "src/libraries/Types.sol";
import { Hashing } from "src/libraries/Hashing.sol";
import { Encoding } from "src/libraries/Encoding.sol";
import { Burn } from "src/libraries/Burn.sol";

/// @title L2ToL1MessagePasser
/// @notice The OP Stack's L2ToL1MessagePasser: the L2 contract where withdrawals (L2 to L1
///         messages) are recorded. `sentMessages` is the first state variable, so it is the
///         mapping at storage slot 0: the Portal on L1 proves a withdrawal with a storage proof of
///         `sentMessages[withdrawalHash] == true`, i.e. of storage key
///         keccak256(abi.encode(withdrawalHash, uint256(0))), against the
///         `messagePasserStorageRoot` of an output root. Interface, events, hashing and nonce
///         versioning are the OP Stack's.
/// @dev Placed at the predeploy 0x4200000000000000000000000000000000000016 by copying its runtime
///      code, so it has no constructor and no storage that would need initialising.
contract L2ToL1MessagePasser {
    /// @notice L1 gas limit of withdrawals made by sending ETH to this contract.
    uint256 internal constant RECEIVE_DEFAULT_GAS_LIMIT = 100_000;

    /// @notice Version encoded into the upper two bytes of every withdrawal nonce.
    uint16 public constant MESSAGE_VERSION = 1;

    /// @notice Hashes of every withdrawal initiated here (storage slot 0; the Portal proves
    ///         inclusion in this mapping).
    mapping(bytes32 => bool) public sentMessages;

    /// @notice Nonce of the next withdrawal, without the version.
    uint240 internal msgNonce;

    /// @notice Emitted for every withdrawal.
    /// @param nonce          Versioned nonce of the withdrawal.
    /// @param sender         L2 address that initiated it (msg.sender).
    /// @param target         L1 address the Portal will call.
    /// @param value          ETH sent along (burnable here, paid out by the Portal on L1).
    /// @param gasLimit       Minimum gas the Portal must give the L1 call.
    /// @param data           Calldata of the L1 call.
    /// @param withdrawalHash Hashing.hashWithdrawal of the withdrawal (the key in sentMessages).
    event MessagePassed(
        uint256 indexed nonce,
        address indexed sender,
        address indexed target,
        uint256 value,
        uint256 gasLimit,
        bytes data,
        bytes32 withdrawalHash
    );

    /// @notice Emitted when burn() removes this contract's ETH.
    /// @param amount Wei burnt.
    event WithdrawerBalanceBurnt(uint256 indexed amount);

    /// @notice Sending ETH here withdraws it to the same address on L1 (gas limit 100_000, no
    ///         data).
    receive() external payable {
        initiateWithdrawal(msg.sender, RECEIVE_DEFAULT_GAS_LIMIT, bytes(""));
    }

    /// @notice Destroys all ETH held by this contract (the ETH of initiated withdrawals, which
    ///         now lives on L1), so that withdrawn ETH stops counting in L2's supply. Anyone may
    ///         call it. It uses the OP Stack's Burn.eth, which creates a throwaway Burner contract
    ///         with the balance whose constructor self-destructs to itself, which burns the ETH
    ///         (EIP-6780 still deletes an account created in the same transaction).
    function burn() external {
        uint256 amount = address(this).balance;
        Burn.eth(amount);
        emit WithdrawerBalanceBurnt(amount);
    }

    /// @notice Initiates a withdrawal: records Hashing.hashWithdrawal({nonce: messageNonce(),
    ///         sender: msg.sender, target: _target, value: msg.value, gasLimit: _gasLimit, data:
    ///         _data}) in sentMessages, emits MessagePassed and increments the nonce. The ETH sent
    ///         stays here (see burn) and is paid out on L1 when the withdrawal is finalized.
    /// @param _target   L1 address to call.
    /// @param _gasLimit Minimum gas for the L1 call.
    /// @param _data     Calldata of the L1 call.
    function initiateWithdrawal(address _target, uint256 _gasLimit, bytes memory _data) public payable {
        uint256 nonce = messageNonce();
        bytes32 withdrawalHash = Hashing.hashWithdrawal(
            Types.WithdrawalTransaction({
                nonce: nonce,
                sender: msg.sender,
                target: _target,
                value: msg.value,
                gasLimit: _gasLimit,
                data: _data
            })
        );

        sentMessages[withdrawalHash] = true;

        emit MessagePassed(nonce, msg.sender, _target, msg.value, _gasLimit, _data, withdrawalHash);

        unchecked {
            ++msgNonce;
        }
    }

    /// @notice Versioned nonce of the next withdrawal: MESSAGE_VERSION in the upper two bytes,
    ///         the sequence number in the lower 30 bytes.
    function messageNonce() public view returns (uint256) {
        return Encoding.encodeVersionedNonce(msgNonce, MESSAGE_VERSION);
    }
}
