import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * The folder that holds the hub's package.json, found by walking up from this module, so paths to
 * shipped folders (mappings/, flows/) are right both from the sources and from the compiled dist/.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (pkg.name === 'connector-hub') return (cached = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (cached = path.resolve(__dirname, '..'));
    dir = parent;
  }
}
