// An independent OP Stack client against a Crossbar devnet: viem's op-stack actions, unchanged, as a wallet or an
// app would use them against an OP Stack chain. Deposits, withdraws, reads every withdrawal status, proves and
// finalizes, on one L2 of either devnet kind: against a dispute game on a fault-proof devnet (OptimismPortal2, as
// on OP Mainnet today), against an output on an output-oracle devnet (viem's path for an OptimismPortal 2.x and its
// L2OutputOracle, chosen by the portal's version as viem chooses it for any chain).
//
// usage: node op-client.mjs <manifest.json> <l2 name> <key role> [--advance-time]
//   --advance-time: move the L1's clock (evm_increaseTime) while waiting out the game's clock, the proof maturity
//   and the air gap, instead of waiting them out in real time. Nothing else touches the devnet's chains. Not for an
//   output-oracle devnet: viem times the challenge window with the wall clock there.
//
// Prints one JSON line per step ({"step": ..., ...}) and a last line {"ok": true} or {"ok": false, "error": ...};
// exits 0 only when the whole flow went through with the statuses in the order OP's docs give.
import { readFileSync } from 'node:fs';
import { createPublicClient, createWalletClient, defineChain, http, parseAbi, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  chainConfig, getL2TransactionHashes, publicActionsL1, publicActionsL2, walletActionsL1, walletActionsL2,
} from 'viem/op-stack';

const [manifestPath, l2Name, keyRole, ...flags] = process.argv.slice(2);
const advanceTime = flags.includes('--advance-time');
const step = (name, fields = {}) => console.log(JSON.stringify({ step: name, ...fields }, (_, v) =>
  typeof v === 'bigint' ? v.toString() : v));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Nothing here may wait for ever (waitToProve, for one, polls until a game covers the withdrawal).
const overall = setTimeout(() => {
  console.log(JSON.stringify({ ok: false, error: 'gave up after 4 minutes' }));
  process.exit(2);
}, 240_000);
overall.unref();

async function main() {
  const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const l2entry = m.l2s.find((c) => c.name === l2Name);
  if (!l2entry) throw new Error(`no L2 named ${l2Name} in ${manifestPath}`);
  const fp = l2entry.faultProofs;
  const oo = fp ? null : l2entry.settlement;
  if (!fp && !oo) throw new Error(`${l2Name} has neither a faultProofs nor a settlement section`);
  if (oo && advanceTime) throw new Error('--advance-time is for dispute games: viem times an output\'s window with'
    + ' the wall clock');
  const keyRef = m.keys[keyRole]?.keyRef;
  if (!keyRef?.startsWith('file:')) throw new Error(`no file key for role ${keyRole}`);
  const account = privateKeyToAccount(readFileSync(keyRef.slice('file:'.length), 'utf8').trim());

  const eth = { name: 'Ether', symbol: 'ETH', decimals: 18 };
  const l1 = defineChain({ id: m.l1.chainId, name: m.l1.name, nativeCurrency: eth,
    rpcUrls: { default: { http: [m.l1.rpcUrl] } },
    // viem reads an output oracle's views through Multicall3.
    ...(m.l1.contracts?.multicall3 ? { contracts: { multicall3: { address: m.l1.contracts.multicall3 } } } : {}) });
  // The L1 contracts by viem's names: those of OP's fault-proof system, or a portal and its output oracle.
  const settlementContracts = fp
    ? {
      portal: { [l1.id]: { address: fp.portal } },
      disputeGameFactory: { [l1.id]: { address: fp.disputeGameFactory } },
      l1StandardBridge: { [l1.id]: { address: fp.l1StandardBridge } },
    }
    : {
      portal: { [l1.id]: { address: oo.portal } },
      l2OutputOracle: { [l1.id]: { address: oo.outputOracle } },
    };
  const l2 = defineChain({
    ...chainConfig, id: l2entry.chainId, name: l2entry.name, nativeCurrency: eth, sourceId: l1.id,
    rpcUrls: { default: { http: [l2entry.rpcUrl] } },
    contracts: { ...chainConfig.contracts, ...settlementContracts },
  });
  const publicL1 = createPublicClient({ chain: l1, transport: http() }).extend(publicActionsL1());
  const walletL1 = createWalletClient({ account, chain: l1, transport: http() }).extend(walletActionsL1());
  const publicL2 = createPublicClient({ chain: l2, transport: http() }).extend(publicActionsL2());
  const walletL2 = createWalletClient({ account, chain: l2, transport: http() }).extend(walletActionsL2());

  const portalVersion = await publicL1.getPortalVersion({ targetChain: l2 });
  step('portal', { version: `${portalVersion.major}.${portalVersion.minor}.${portalVersion.patch}` });

  // Deposit: L1 -> L2, found on the L2 by the hash a client computes from the L1 receipt.
  const deposit = await publicL2.buildDepositTransaction({ account, mint: parseEther('0.02'), to: account.address });
  const depositHash = await walletL1.depositTransaction(deposit);
  const depositReceipt = await publicL1.waitForTransactionReceipt({ hash: depositHash });
  const [l2Hash] = getL2TransactionHashes(depositReceipt);
  const l2DepositReceipt = await publicL2.waitForTransactionReceipt({ hash: l2Hash, timeout: 60_000 });
  if (l2DepositReceipt.status !== 'success') throw new Error(`deposit ${l2Hash} failed on the L2`);
  step('deposit', { l1: depositHash, l2: l2Hash, l2Block: l2DepositReceipt.blockNumber });

  // Withdrawal: L2 -> L1.
  const withdrawalArgs = await publicL1.buildInitiateWithdrawal({ account, to: account.address,
    value: parseEther('0.005') });
  const withdrawalHash = await walletL2.initiateWithdrawal(withdrawalArgs);
  const receipt = await publicL2.waitForTransactionReceipt({ hash: withdrawalHash });
  const statuses = [];
  const status = async () => {
    const s = await publicL1.getWithdrawalStatus({ receipt, targetChain: l2 }).catch((e) => {
      // OptimismPortal2 3.10.0 answers a matured proof whose game has not resolved yet with this revert, which viem
      // maps to no status (it throws): the withdrawal is still waiting to be finalized, as a wallet would show it.
      if (String(e?.message ?? e).includes('output proposal has not been validated')) return 'waiting-to-finalize';
      throw e;
    });
    if (statuses[statuses.length - 1] !== s) {
      statuses.push(s);
      step('status', { status: s });
    }
    return s;
  };
  step('withdrawal', { l2: withdrawalHash, l2Block: receipt.blockNumber });
  await status();

  const { game, output, withdrawal } = await publicL1.waitToProve({ receipt, targetChain: l2, pollingInterval: 500 });
  step('game', { index: game.index, l2Block: game.l2BlockNumber, created: game.timestamp, rootClaim: game.rootClaim });
  if (await status() !== 'ready-to-prove') throw new Error(`expected ready-to-prove, got ${statuses.at(-1)}`);
  // The portal takes a proof only from a block later than the game's (OptimismPortal2: "withdrawal timestamp less
  // than dispute game creation timestamp" at finalization otherwise): wait for the L1 to be past it.
  await until(async () => (await publicL1.getBlock()).timestamp > game.timestamp, 'L1 past the game', 1);
  const prove = await publicL2.buildProveWithdrawal({ account, output, withdrawal, game });
  const proveHash = await walletL1.proveWithdrawal(prove);
  const proveReceipt = await publicL1.waitForTransactionReceipt({ hash: proveHash });
  if (proveReceipt.status !== 'success') throw new Error(`proof ${proveHash} reverted`);
  step('proven', { l1: proveHash });

  const waiting = await status();
  if (waiting !== 'waiting-to-finalize') throw new Error(`expected waiting-to-finalize, got ${waiting}`);
  const { seconds, timestamp } = await publicL1.getTimeToFinalize({ withdrawalHash: withdrawal.withdrawalHash,
    targetChain: l2 });
  step('time-to-finalize', { seconds, timestamp });
  await until(async () => (await status()) === 'ready-to-finalize', 'ready-to-finalize', 5);
  if (oo) {
    // viem's status for a 2.x portal compares the challenge window with the wall clock (on a real chain the window
    // is 7 days, and a second does not matter); the portal counts it in L1 block time, which trails the wall clock by
    // up to a block. Wait for an L1 block past the window, as a proof waits for an L1 block past its game.
    const period = await publicL1.readContract({ address: oo.outputOracle, functionName: 'FINALIZATION_PERIOD_SECONDS',
      abi: parseAbi(['function FINALIZATION_PERIOD_SECONDS() view returns (uint256)']) });
    const proven = (await publicL1.getBlock({ blockNumber: proveReceipt.blockNumber })).timestamp;
    await until(async () => (await publicL1.getBlock()).timestamp > proven + period, 'L1 past the window', 1);
  }

  const finalizeHash = await walletL1.finalizeWithdrawal({ targetChain: l2, withdrawal });
  const finalizeReceipt = await publicL1.waitForTransactionReceipt({ hash: finalizeHash });
  if (finalizeReceipt.status !== 'success') throw new Error(`finalization ${finalizeHash} reverted`);
  step('finalized', { l1: finalizeHash });
  if (await status() !== 'finalized') throw new Error(`expected finalized, got ${statuses.at(-1)}`);

  const expected = ['waiting-to-prove', 'ready-to-prove', 'waiting-to-finalize', 'ready-to-finalize', 'finalized'];
  const seen = statuses.filter((s) => s !== 'waiting-to-prove' || statuses[0] === s);
  if (JSON.stringify(seen.slice(-4)) !== JSON.stringify(expected.slice(1))) {
    throw new Error(`statuses ${JSON.stringify(statuses)}, expected ${JSON.stringify(expected)}`);
  }
  step('statuses', { seen: statuses });

  // Waits for a condition, moving the L1's clock by `seconds` per poll when --advance-time.
  async function until(condition, what, seconds) {
    const deadline = Date.now() + 300_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      if (advanceTime) {
        await publicL1.request({ method: 'evm_increaseTime', params: [seconds] });
        await publicL1.request({ method: 'evm_mine', params: [] });
      }
      await sleep(advanceTime ? 200 : 1000);
    }
  }
}

main().then(() => console.log(JSON.stringify({ ok: true })), (e) => {
  console.log(JSON.stringify({ ok: false, error: String(e?.shortMessage ?? e?.message ?? e) }));
  process.exitCode = 1;
});
