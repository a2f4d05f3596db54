import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Built-in connectors are found by convention, never by a hand-kept list: every `connectors/<id>/index.ts`
 * (`index.js` when the hub runs from dist/) is a connector, and its folder is named after its id. The folder is
 * resolved from this module's own location, so the same code finds `connectors/` next to the sources (tsx, jest)
 * and `dist/connectors/` next to the compiled registry.
 */

export function defaultConnectorsDir(): string {
  return path.resolve(__dirname, '../../connectors');
}

/** Running from TypeScript sources we can load both .ts and .js connectors; compiled, only .js. */
function entryCandidates(): string[] {
  return path.extname(__filename) === '.ts' ? ['index.ts', 'index.js'] : ['index.js'];
}

export interface BuiltinModule {
  /** Folder name: by convention the connector id. */
  folder: string;
  file: string;
}

export interface LoadedBuiltin extends BuiltinModule {
  /** The module's default export, or its export named `connector`. */
  definition: unknown;
}

/** Folders under `connectorsDir` that hold an index module, sorted by name; `_` and `.` folders are helpers. */
export function findBuiltinModules(connectorsDir: string = defaultConnectorsDir()): BuiltinModule[] {
  if (!fs.existsSync(connectorsDir)) return [];
  const found: BuiltinModule[] = [];
  const folders = fs
    .readdirSync(connectorsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  for (const folder of folders) {
    const file = entryCandidates()
      .map((name) => path.join(connectorsDir, folder, name))
      .find((candidate) => fs.existsSync(candidate));
    if (file !== undefined) found.push({ folder, file });
  }
  return found;
}

/** Loads one built-in module; throws (with the module's own error) when it cannot be loaded. */
export function loadBuiltin(module: BuiltinModule): LoadedBuiltin {
  const exported: unknown = createRequire(__filename)(module.file);
  let definition: unknown;
  if (typeof exported === 'object' && exported !== null) {
    const bag = exported as Record<string, unknown>;
    definition = bag.default ?? bag.connector;
  }
  return { ...module, definition };
}
