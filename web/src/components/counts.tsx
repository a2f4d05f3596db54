import type { RunCounts } from '../api/client';
import { COUNT_LABELS, countOf } from '../flow-words';

/** A run's counts as a definition list (labelled, so screen readers read "Created 12"). */
export function Counts({ counts, label }: { counts: RunCounts; label: string }) {
  return (
    <dl class="counts" aria-label={label}>
      {COUNT_LABELS.map(({ key, label: name }) => (
        <div key={key} class={`count count-${key}`} data-count={key}>
          <dt>{name}</dt>
          <dd>{countOf(counts, key)}</dd>
        </div>
      ))}
    </dl>
  );
}
