import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LAMBKIN_MODULES = fileURLToPath(new URL('../../../node_modules/', import.meta.url));

/** The AWS SDK for JavaScript v3 ships with the Node.js runtimes, as on AWS (nodejs18.x and later). */
const PROVIDED = ['@aws-sdk', '@smithy'];

/**
 * Links the SDK into `<runtimeRoot>/node_modules`. Function code lives in `<runtimeRoot>/tasks/<sha>/`, so Node's
 * normal lookup (parent directories' node_modules) finds the SDK for both `require` and `import`, while a package a
 * function bundles itself still wins.
 */
export function provideRuntimeModules(runtimeRoot: string): void {
  const dir = path.join(runtimeRoot, 'node_modules');
  fs.mkdirSync(dir, { recursive: true });
  for (const name of PROVIDED) {
    const target = path.join(LAMBKIN_MODULES, name);
    const link = path.join(dir, name);
    if (!fs.existsSync(target)) continue;
    try {
      if (fs.readlinkSync(link) === target) continue;
      fs.rmSync(link, { force: true });
    } catch {
      // missing link: create it below
    }
    fs.symlinkSync(target, link, 'dir');
  }
}
