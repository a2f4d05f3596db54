import { testMappings, formatReport } from './core/mapping';
(async () => { const r = await testMappings(process.argv[2] ?? 'mappings'); console.log(formatReport(r)); })();
