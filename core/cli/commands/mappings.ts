import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import {
  describeMappingError,
  formatReport,
  loadMapping,
  loadMappings,
  previewMapping,
  testMappings,
} from '../../mapping';
import { mappingOptionsFromConfig } from '../../runtime/mapping-options';
import { ConfigError } from '../../sdk/errors';
import { json, type Output } from '../output';
import { readInputFile } from '../settings-input';

function readInput(file: string): unknown {
  const text = readInputFile(file, '--input'); // a regular file up to 1 MiB, or - for standard input
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`--input ${file} is not valid JSON: ${reason}`, { field: '--input' });
  }
}

export function registerMappings(program: Command, output: Output): void {
  const mappings = program.command('mappings').description('Test and preview JSONata mappings');

  mappings
    .command('test [path]')
    .description('Run every fixture of the mappings under path (default: the mappings folder); exit 1 on a mismatch')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub mappings test\n  $ hub mappings test mappings/file-contacts-to-canonical',
    )
    .action(async (target: string | undefined, opts: { json?: boolean }) => {
      const config = loadConfig();
      const report = await testMappings(path.resolve(target ?? config.mappingsDir), mappingOptionsFromConfig(config));
      output.out(opts.json ? json(report) : formatReport(report));
      if (!report.ok) process.exitCode = 1;
    });

  mappings
    .command('preview <mapping>')
    .description('Evaluate a mapping (its id or folder) against sample input: one record or an array of records')
    .requiredOption('--input <file>', 'JSON file with the sample input, or - for standard input')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub mappings preview file-contacts-to-canonical --input sample.json\n  $ echo \'{"Email":" A@B.COM "}\' | hub mappings preview file-contacts-to-canonical --input -',
    )
    .action(async (name: string, opts: { input: string }) => {
      const config = loadConfig();
      const options = mappingOptionsFromConfig(config);
      const asPath = path.resolve(name);
      const mapping = fs.existsSync(asPath)
        ? loadMapping(asPath)
        : loadMappings(config.mappingsDir).find((m) => m.id === name);
      if (!mapping) throw new ConfigError(`no mapping named "${name}" in ${config.mappingsDir}`, { field: 'mapping' });
      const input = readInput(opts.input);
      const records = Array.isArray(input) ? input : [input];
      let failed = 0;
      const results: unknown[] = [];
      for (const record of records) {
        const result = await previewMapping(mapping, record, options);
        if (result.ok) results.push(result.value);
        else {
          failed++;
          results.push({ error: result.error, explanation: describeMappingError(result.error) });
        }
      }
      output.out(json(Array.isArray(input) ? results : results[0]));
      if (failed > 0) process.exitCode = 1;
    });
}
