import { useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client';
import { recordName } from '../record-name';
import { useSession } from '../session';
import { ActionButton } from './ui';

type DryRun = Schemas['DryRunReport'];

/** The runner's decisions (core/runner/dry-run.ts) in words; anything new shows as the runner names it. */
const DECISIONS: Record<string, string> = {
  create: 'would be created',
  update: 'would be updated',
  unchanged: 'already up to date',
  'skip-echo': 'left out: the hub wrote it',
  'skip-conflict': 'held: conflict',
  'skip-suppressed': 'held: suppressed',
  'skip-filtered': 'held: left out by the mapping',
  invalid: 'would fail',
};

/** Reads the first records of a flow's source from live data and shows what each would become; writes nothing. */
export function DryRunPreview({ flow }: { flow: string }) {
  const { api, can } = useSession();
  const [report, setReport] = useState<DryRun>();
  if (!can('flows:operate')) return null;
  return (
    <div class="preview">
      <ActionButton
        label={`Preview the first records of ${flow}`}
        action={async () => {
          setReport(
            await unwrap(
              api.POST('/api/v1/flows/{flowId}/dry-run', { params: { path: { flowId: flow } }, body: { limit: 10 } }),
            ),
          );
        }}
      />
      {report && (
        <div class="table-wrap">
          <table data-preview={flow}>
            <caption>
              The first {report.read} records {flow} reads{report.truncated ? ' (more follow)' : ''}: nothing was
              written
            </caption>
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">What happens</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {report.records.map((r) => (
                <tr key={r.sourceKey}>
                  <th scope="row" title={r.sourceKey}>
                    {recordName(r.payload, r.sourceKey)}
                  </th>
                  <td>{DECISIONS[r.decision] ?? r.decision}</td>
                  <td>{r.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
