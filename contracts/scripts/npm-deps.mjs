// Installs the repository's npm packages (package-lock.json, exact versions) when they
// are missing or older than the lock file. Used by the build and by the launcher so
// that a fresh clone needs no separate setup step.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureNodeModules(repoRoot) {
  const lock = join(repoRoot, 'package-lock.json');
  const installed = join(repoRoot, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('[npm] installing the pinned toolchain packages (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: repoRoot, stdio: 'inherit' });
}
