// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title DemoTarget
/// @notice TEST SUPPORT. A small message target for demos and tests. `ping` records each call:
///         the caller, the originating address (the cross-domain sender when the caller is a
///         messenger that is relaying a message, otherwise the caller itself), the ETH received
///         and a note. It can be told to revert, so that failure handling and replays can be
///         exercised.
contract DemoTarget {
    /// @notice Number of successful ping calls.
    uint256 public pingCount;

    /// @notice msg.sender of the last ping.
    address public lastCaller;

    /// @notice Originating address of the last ping (see ping).
    address public lastOrigin;

    /// @notice ETH received by the last ping.
    uint256 public lastValue;

    /// @notice Note of the last ping.
    string public lastNote;

    /// @notice Whether ping reverts.
    bool public reverting;

    /// @notice Emitted by every successful ping.
    /// @param caller msg.sender.
    /// @param origin Cross-domain sender when called by a relaying messenger, else msg.sender.
    /// @param value  ETH received.
    /// @param note   The note passed in.
    /// @param count  pingCount after this call.
    event Pinged(address indexed caller, address indexed origin, uint256 value, string note, uint256 count);

    /// @notice Emitted when the reverting mode changes.
    /// @param reverting Whether ping now reverts.
    event RevertingSet(bool reverting);

    /// @notice Accepts plain ETH transfers.
    receive() external payable { }

    /// @notice Records a call: increments pingCount, stores caller, origin, value and note, and
    ///         emits Pinged. The origin is found by asking msg.sender, if it is a contract, for
    ///         xDomainMessageSender() (L1Messenger/L2Messenger) and then for
    ///         crossDomainMessageSender() (L2ToL2CrossDomainMessenger); a getter that reverts or is missing
    ///         is skipped, and without an answer the origin is msg.sender. Reverts with
    ///         "DemoTarget: told to revert" while reverting is set.
    /// @param note Free text recorded with the call.
    function ping(string calldata note) external payable {
        require(!reverting, "DemoTarget: told to revert");
        address origin = _crossDomainSender(msg.sender);
        uint256 count = pingCount + 1;
        pingCount = count;
        lastCaller = msg.sender;
        lastOrigin = origin;
        lastValue = msg.value;
        lastNote = note;
        emit Pinged(msg.sender, origin, msg.value, note, count);
    }

    /// @notice Makes ping revert (true) or succeed (false). Anyone may call it (test support).
    /// @param _reverting Whether ping should revert.
    function setReverting(bool _reverting) external {
        reverting = _reverting;
        emit RevertingSet(_reverting);
    }

    /// @notice Always reverts with "DemoTarget: told to revert".
    function fail() external payable {
        revert("DemoTarget: told to revert");
    }

    /// @notice The cross-domain sender `_caller` reports, or `_caller` when it reports none.
    function _crossDomainSender(address _caller) internal view returns (address) {
        if (_caller.code.length == 0) return _caller;
        (bool found, address sender) = _askAddress(_caller, abi.encodeWithSignature("xDomainMessageSender()"));
        if (found) return sender;
        (found, sender) = _askAddress(_caller, abi.encodeWithSignature("crossDomainMessageSender()"));
        if (found) return sender;
        return _caller;
    }

    /// @notice Calls an address getter with bounded gas; (false, 0) unless it returns a word
    ///         that holds an address.
    function _askAddress(address _target, bytes memory _call) internal view returns (bool, address) {
        (bool ok, bytes memory ret) = _target.staticcall{ gas: 50_000 }(_call);
        if (!ok || ret.length != 32) return (false, address(0));
        uint256 word = abi.decode(ret, (uint256));
        if (word > type(uint160).max) return (false, address(0));
        return (true, address(uint160(word)));
    }
}
