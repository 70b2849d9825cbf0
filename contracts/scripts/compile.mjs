// Compiles the protocol's Solidity sources offline with solc-js (the npm package `solc`)
// and writes, for every deployable contract under contracts/src, its ABI, creation
// bytecode and storage layout into the output folder. The web3j bindings are generated
// from these files by build/GenerateBindings.java in the next build step.
//
// usage: node scripts/compile.mjs <outDir>
//
// Imports resolve like the OP Stack's own remappings: "src/..." (used inside
// @eth-optimism/contracts-bedrock) maps to that package's src folder, "@scope/pkg/..."
// to node_modules, and anything else to contracts/src. The step is skipped when a stamp
// of every input (sources, settings, compiler version, this script) matches the last run.
//
// Compiler-version pin of the OP Stack's files: some files of @eth-optimism/contracts-bedrock
// 0.17.3 that we import (SafeCall, Burn, rlp/RLPErrors, pulled in by RLPReader and hence by
// MerkleTrie/SecureMerkleTrie, ...) declare the exact pin `pragma solidity 0.8.15;`, which our
// solc 0.8.37 refuses. For files loaded from that package ONLY, that exact line is rewritten to
// `pragma solidity ^0.8.15;` as the file is read (see loadImport). The code itself is unchanged;
// only the compiler-version pin is widened. Any other pragma, and every file of ours, is left
// exactly as written. The rule lives in this script, and the script is part of the stamp, so
// changing it forces a recompilation.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ensureNodeModules } from './npm-deps.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const moduleDir = resolve(here, '..');
const repoRoot = resolve(moduleDir, '..');
const srcDir = join(moduleDir, 'src');
const outDir = resolve(process.argv[2] ?? join(moduleDir, 'target', 'solc'));

ensureNodeModules(repoRoot);
const require = createRequire(join(repoRoot, 'package.json'));
const solc = require('solc');
const bedrockRoot = join(repoRoot, 'node_modules', '@eth-optimism', 'contracts-bedrock');
const bedrockSrc = join(bedrockRoot, 'src');

const settings = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'storageLayout'] } },
};

function listSources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listSources(path);
    return name.endsWith('.sol') ? [path] : [];
  });
}

function resolveImport(path) {
  if (path.startsWith('src/')) return join(bedrockSrc, path.slice('src/'.length));
  if (path.startsWith('@')) return join(repoRoot, 'node_modules', path);
  return join(srcDir, path);
}

const roots = listSources(srcDir);
const sources = Object.fromEntries(
  roots.map((path) => [relative(srcDir, path), { content: readFileSync(path, 'utf8') }]),
);

// The exact compiler pin of some contracts-bedrock files, and what it is widened to (see the
// comment at the top of this file).
const BEDROCK_EXACT_PRAGMA = /^pragma solidity 0\.8\.15;/m;
const BEDROCK_WIDENED_PRAGMA = 'pragma solidity ^0.8.15;';

function isBedrockFile(file) {
  const rel = relative(bedrockRoot, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

// Reads an imported file; widens the exact 0.8.15 pin of contracts-bedrock files only.
function loadImport(file) {
  const content = readFileSync(file, 'utf8');
  return isBedrockFile(file) ? content.replace(BEDROCK_EXACT_PRAGMA, BEDROCK_WIDENED_PRAGMA) : content;
}

function findImports(path) {
  const file = resolveImport(path);
  if (!existsSync(file)) return { error: `import not found: ${path} (looked at ${file})` };
  return { contents: loadImport(file) };
}

const stampHash = createHash('sha256');
stampHash.update(solc.version());
stampHash.update(JSON.stringify(settings));
stampHash.update(readFileSync(fileURLToPath(import.meta.url), 'utf8')); // import rules, pragma rewrite
for (const [name, { content }] of Object.entries(sources).sort()) stampHash.update(name).update(content);
const stamp = stampHash.digest('hex');
const stampFile = join(outDir, '.stamp');
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log(`[contracts] up to date (${roots.length} sources, solc ${solc.version()})`);
  process.exit(0);
}

const started = Date.now();
const input = { language: 'Solidity', sources, settings };
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) {
  if (e.severity !== 'error' && !e.sourceLocation?.file?.startsWith('src/')) console.warn(e.formattedMessage);
}
if (errors.length > 0) {
  for (const e of errors) console.error(e.formattedMessage);
  console.error(`[contracts] compilation failed with ${errors.length} error(s)`);
  process.exit(1);
}

mkdirSync(outDir, { recursive: true });
const written = [];
for (const [file, contracts] of Object.entries(output.contracts)) {
  if (!sources[file]) continue; // libraries pulled in by import are not ours to bind
  for (const [name, artifact] of Object.entries(contracts)) {
    const bytecode = artifact.evm?.bytecode?.object ?? '';
    if (bytecode.length === 0) continue; // interfaces and abstract contracts
    writeFileSync(join(outDir, `${name}.abi`), JSON.stringify(artifact.abi));
    writeFileSync(join(outDir, `${name}.bin`), bytecode);
    writeFileSync(join(outDir, `${name}.layout.json`), JSON.stringify(artifact.storageLayout ?? {}, null, 1));
    written.push(name);
  }
}
writeFileSync(join(outDir, 'contracts.txt'), written.sort().join('\n') + '\n');
writeFileSync(stampFile, stamp);
console.log(`[contracts] compiled ${written.length} contracts (${written.join(', ')}) with solc ${solc.version()} in ${Date.now() - started} ms`);
