// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Addresses shared by the Crossbar contracts. They are file-level constants (not a library) so
// that this file produces no bytecode and therefore no web3j binding.

// tx.origin that marks a gas-estimation call. Relays and withdrawal finalizations
// revert instead of recording a failure when sent from it, exactly as in the OP Stack
// (`Constants.ESTIMATION_ADDRESS`, the ecrecover precompile, which can never send a
// real transaction).
address constant ESTIMATION_ADDRESS = address(1);

// Placeholder stored in `l2Sender` / `xDomainMsgSender` while no withdrawal or message is
// being executed (`Constants.DEFAULT_L2_SENDER` of the OP Stack).
address constant DEFAULT_L2_SENDER = 0x000000000000000000000000000000000000dEaD;

// OP Stack predeploy of the L2CrossDomainMessenger (our L2Messenger).
address constant L2_CROSS_DOMAIN_MESSENGER_PREDEPLOY = 0x4200000000000000000000000000000000000007;

// OP Stack predeploy of the L2ToL1MessagePasser.
address constant L2_TO_L1_MESSAGE_PASSER_PREDEPLOY = 0x4200000000000000000000000000000000000016;

// OP Stack (interop) predeploy of the CrossL2Inbox. It is refused as a message target, as the
// OP Stack does.
address constant CROSS_L2_INBOX_PREDEPLOY = 0x4200000000000000000000000000000000000022;

// OP Stack (interop) predeploy of the L2ToL2CrossDomainMessenger.
address constant L2_TO_L2_CROSS_DOMAIN_MESSENGER_PREDEPLOY = 0x4200000000000000000000000000000000000023;

// Devnet-only predeploy of the DepositExecutor, the devnet's record of executed deposits
// (the count the Portal's escape mode proves). Not an OP Stack address.
address constant DEPOSIT_EXECUTOR_PREDEPLOY = 0x42000000000000000000000000000000000000D0;
