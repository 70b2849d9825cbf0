// Extracts OP's compiled contracts, exactly as the npm package @eth-optimism/contracts-bedrock ships them
// (forge-artifacts/<Name>.sol/<Name>.json), for the Java build: per contract its ABI (<Name>.abi), its creation
// bytecode (<Name>.bin: what the devnet deploys, never recompiled or edited) and its runtime bytecode with the
// positions of its immutables (<Name>.runtime.json: what a test compares the code on chain with). The web3j
// bindings are generated from the .abi/.bin files by build/GenerateBindings.java in the next build step.
//
// usage: node scripts/op-artifacts.mjs <outDir>
//
// Skipped when a stamp of the package's version, the list below and this script matches the last run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './npm-deps.mjs';

// The contracts Crossbar deploys (devnet) or talks to (bindings): the fault-proof system, the L1 bridge, and the
// L2 predeploys.
export const CONTRACTS = [
  'OptimismPortal2', 'DisputeGameFactory', 'FaultDisputeGame', 'PermissionedDisputeGame', 'AnchorStateRegistry',
  'DelayedWETH', 'AlphabetVM', 'PreimageOracle', 'SuperchainConfig', 'SystemConfig', 'Proxy', 'ProxyAdmin',
  'L1CrossDomainMessenger', 'L1StandardBridge',
  'L2ToL1MessagePasser', 'L2CrossDomainMessenger', 'L2StandardBridge', 'L1Block', 'CrossL2Inbox',
  'L2ToL2CrossDomainMessenger',
];

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const outDir = resolve(process.argv[2] ?? join(here, '..', 'target', 'op'));

ensureNodeModules(repoRoot);
const pkgRoot = join(repoRoot, 'node_modules', '@eth-optimism', 'contracts-bedrock');
const pkg = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8'));

const stamp = createHash('sha256').update(pkg.name + '@' + pkg.version).update(CONTRACTS.join(','))
  .update(readFileSync(fileURLToPath(import.meta.url))).digest('hex');
const stampFile = join(outDir, '.stamp');
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log('[contracts] OP artifacts up to date');
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
for (const name of CONTRACTS) {
  const file = join(pkgRoot, 'forge-artifacts', name + '.sol', name + '.json');
  if (!existsSync(file)) throw new Error(`${pkg.name}@${pkg.version} has no artifact ${file}`);
  const a = JSON.parse(readFileSync(file, 'utf8'));
  for (const [what, code] of [['bytecode', a.bytecode], ['deployedBytecode', a.deployedBytecode]]) {
    if (code.linkReferences && Object.keys(code.linkReferences).length > 0) {
      throw new Error(`${name}: ${what} needs libraries linked, which this build does not do`);
    }
  }
  writeFileSync(join(outDir, name + '.abi'), JSON.stringify(a.abi));
  writeFileSync(join(outDir, name + '.bin'), a.bytecode.object.replace(/^0x/, ''));
  const immutables = Object.values(a.deployedBytecode.immutableReferences ?? {}).flat()
    .map((r) => ({ start: r.start, length: r.length }));
  writeFileSync(join(outDir, name + '.runtime.json'), JSON.stringify({
    package: pkg.name + '@' + pkg.version, contract: name,
    compiler: a.metadata?.compiler?.version ?? null,
    runtime: a.deployedBytecode.object, immutables,
  }));
}
writeFileSync(join(outDir, 'contracts.txt'), CONTRACTS.join('\n') + '\n');
writeFileSync(join(outDir, 'package.txt'), pkg.name + '@' + pkg.version + '\n');
writeFileSync(stampFile, stamp);
console.log(`[contracts] ${CONTRACTS.length} contracts of ${pkg.name}@${pkg.version} extracted into ${outDir}`);
