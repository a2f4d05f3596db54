import type { Command } from 'commander';
import type { Output } from '../output';
import { registerPluginsCheck } from './plugins-check';
import { registerPluginsNew } from './plugins-new';

/** `hub plugins …`: the partner kit (scaffold a connector package, check one against the conformance rules). */
export function registerPlugins(program: Command, output: Output): void {
  const plugins = program
    .command('plugins')
    .description('Build and check connector plugins: scaffold a package, run the conformance rules against one');
  registerPluginsNew(plugins, output);
  registerPluginsCheck(plugins, output);
}
