import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

/** The hub's own version, from its package.json. */
export const HUB_VERSION: string = (
  JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
).version;
