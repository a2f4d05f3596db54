import { useState } from 'preact/hooks';
import { unwrap, type DeadLetter } from '../api/client';
import { ActionButton, Empty, Link, Show, formatTime, useData } from '../components/ui';
import { recordName } from '../record-name';
import { navigate } from '../router';
import { useSession } from '../session';

type Status = 'pending' | 'replayed' | 'discarded';

/**
 * Dead letters: records a flow could not deliver, with the reason. Filter by flow, status and reason; replay one,
 * the selected ones or every pending one of a flow through the current mapping; discard with a note.
 */
export function DeadLettersPage({ query }: { query: URLSearchParams }) {
  const { api, can } = useSession();
  const flowRef = query.get('flow') ?? '';
  const status = (query.get('status') ?? 'pending') as Status;
  const [reasonFilter, setReasonFilter] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [note, setNote] = useState('');
  // what the last replay or discard did: shown above the list, since the rows it changed leave the list
  const [notice, setNotice] = useState<string>();
  const flows = useData(() => unwrap(api.GET('/api/v1/flows', { params: { query: { limit: 200 } } })), 'flows');
  const letters = useData(
    () =>
      unwrap(
        api.GET('/api/v1/dead-letters', {
          params: { query: { limit: 200, status, ...(flowRef === '' ? {} : { flowId: flowRef }) } },
        }),
      ),
    `dlq:${flowRef}:${status}`,
  );
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value === '') next.delete(name);
    else next.set(name, value);
    setSelected(new Set());
    navigate(`/dead-letters${next.size > 0 ? `?${next}` : ''}`);
  };
  const flowName = (id: string) => flows.data?.items.find((f) => f.id === id)?.name ?? id;
  // engineers fix a mapping in the workbench with the dead letter's record as the sample
  const mappingOf = (id: string) =>
    can('mappings:read') ? flows.data?.items.find((f) => f.id === id)?.definition.mapping.id : undefined;
  const afterChange = () => {
    setSelected(new Set());
    letters.reload();
  };
  const replay = async (body: { ids: string[] } | { flowId: string }) => {
    const report = await unwrap(api.POST('/api/v1/dead-letters/replay', { body }));
    afterChange();
    const still = report.stillFailing.length;
    setNotice(
      `Replayed ${report.replayed}: ${report.written} delivered${still > 0 ? `, ${still} still failing` : ''}.`,
    );
  };
  const discard = async (ids: string[]) => {
    if (note.trim() === '') throw new Error('Write a note first: why these records are set aside for good.');
    const report = await unwrap(api.POST('/api/v1/dead-letters/discard', { body: { ids, note: note.trim() } }));
    setNote('');
    afterChange();
    setNotice(`Discarded ${report.discarded}.`);
  };

  return (
    <section>
      <h1>Dead letters</h1>
      <p>Records a flow could not deliver, with the reason. Fix the data or the mapping, then replay them.</p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Flow{' '}
          <select value={flowRef} onChange={(e) => setFilter('flow', e.currentTarget.value)}>
            <option value="">All flows</option>
            {flows.data?.items.map((f) => (
              <option key={f.id} value={f.name}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setFilter('status', e.currentTarget.value)}>
            <option value="pending">Waiting</option>
            <option value="replayed">Replayed</option>
            <option value="discarded">Discarded</option>
          </select>
        </label>
        <label>
          Reason contains{' '}
          <input type="search" value={reasonFilter} onInput={(e) => setReasonFilter(e.currentTarget.value)} />
        </label>
      </form>
      {notice && (
        <p class="outcome ok" role="status">
          {notice}
        </p>
      )}
      <Show loaded={letters} what="dead letters">
        {(page) => {
          const items = page.items.filter((l) => l.reason.toLowerCase().includes(reasonFilter.trim().toLowerCase()));
          if (items.length === 0) return <Empty>No dead letters here.</Empty>;
          const pending = status === 'pending';
          const canReplay = pending && can('deadLetters:replay');
          const canDiscard = pending && can('deadLetters:discard');
          const ids = [...selected].filter((id) => items.some((l) => l.id === id));
          return (
            <>
              {(canReplay || canDiscard) && (
                <div class="toolbar" role="group" aria-label="Dead letter actions">
                  {canReplay && (
                    <ActionButton
                      label={`Replay selected (${ids.length})`}
                      disabled={ids.length === 0}
                      action={() => replay({ ids })}
                    />
                  )}
                  {canReplay && flowRef !== '' && (
                    <ActionButton label={`Replay all of ${flowRef}`} action={() => replay({ flowId: flowRef })} />
                  )}
                  {canDiscard && (
                    <>
                      <label>
                        Note{' '}
                        <input
                          value={note}
                          onInput={(e) => setNote(e.currentTarget.value)}
                          placeholder="why they are set aside"
                        />
                      </label>
                      <ActionButton
                        label={`Discard selected (${ids.length})`}
                        disabled={ids.length === 0}
                        action={() => discard(ids)}
                      />
                    </>
                  )}
                </div>
              )}
              <div class="table-wrap">
                <table>
                  <caption class="sr-only">Dead letters</caption>
                  <thead>
                    <tr>
                      {(canReplay || canDiscard) && <th scope="col">Select</th>}
                      <th scope="col">Record</th>
                      <th scope="col">Flow</th>
                      <th scope="col">Why</th>
                      <th scope="col">When</th>
                      {canReplay && <th scope="col">Action</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((letter) => (
                      <LetterRow
                        key={letter.id}
                        letter={letter}
                        flow={flowName(letter.flowId)}
                        mapping={mappingOf(letter.flowId)}
                        selectable={canReplay || canDiscard}
                        selected={selected.has(letter.id)}
                        onSelect={(on) => {
                          const next = new Set(selected);
                          if (on) next.add(letter.id);
                          else next.delete(letter.id);
                          setSelected(next);
                        }}
                        replay={canReplay ? () => replay({ ids: [letter.id] }) : undefined}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </Show>
    </section>
  );
}

function LetterRow(props: {
  letter: DeadLetter;
  flow: string;
  mapping?: string;
  selectable: boolean;
  selected: boolean;
  onSelect(on: boolean): void;
  replay?: () => Promise<void>;
}) {
  const { letter } = props;
  const name = recordName(letter.source, letter.recordKey);
  return (
    <tr data-dead-letter={letter.id}>
      {props.selectable && (
        <td>
          <input
            type="checkbox"
            aria-label={`Select ${name}`}
            checked={props.selected}
            onChange={(e) => props.onSelect(e.currentTarget.checked)}
          />
        </td>
      )}
      <th scope="row" title={letter.recordKey}>
        {name}
      </th>
      <td>
        <Link href={`/flows/${encodeURIComponent(props.flow)}`}>{props.flow}</Link>
      </td>
      <td>
        {letter.reason}
        {letter.field && <span class="muted"> (field {letter.field})</span>}
        {letter.runId && (
          <>
            {' '}
            <Link href={`/runs/${letter.runId}`} class="muted">
              run
            </Link>
          </>
        )}
        {props.mapping && (
          <>
            {' '}
            <Link href={`/mappings/${encodeURIComponent(props.mapping)}?deadLetter=${letter.id}`}>Fix the mapping</Link>
          </>
        )}
      </td>
      <td>{formatTime(letter.createdAt)}</td>
      {props.replay && (
        <td>
          <ActionButton label="Replay" action={props.replay} />
        </td>
      )}
    </tr>
  );
}
