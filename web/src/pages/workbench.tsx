import { useEffect, useRef, useState } from 'preact/hooks';
import { unwrap, type Api, type Schemas } from '../api/client';
import type { operations } from '../api/openapi';
import { JsonataEditor } from '../components/jsonata-editor';
import { StreamSamplePicker } from '../components/stream-sample';
import { ActionButton, Empty, ErrorMessage, Link, Loading, useData } from '../components/ui';
import { useSession } from '../session';

type Mapping = Schemas['Mapping'];
type MapResult = Schemas['MapResult'];
type Fixture = Schemas['MappingFixture'];
type Preview = operations['previewMapping']['responses'][200]['content']['application/json'];
type FixtureOutcome = NonNullable<Preview['fixtures']>[number];
type MappingError = Schemas['MappingError'];

/** How long typing pauses before the draft is evaluated (each evaluation runs in a worker with a CPU budget). */
const DEBOUNCE_MS = 300;

interface Evaluation {
  results: MapResult[];
  fixtures: FixtureOutcome[];
}

/** The sample pane's text as records: one JSON record, or an array of them; else the reason it does not parse. */
export function parseSample(text: string): { records: unknown[] } | { error: string } {
  if (text.trim() === '') return { records: [] };
  try {
    const value: unknown = JSON.parse(text);
    const records = Array.isArray(value) ? value : [value];
    return records.length > 100 ? { error: 'At most 100 sample records at a time.' } : { records };
  } catch (error) {
    return { error: `The sample is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function where(error: MappingError): string {
  if (error.line === undefined) return error.field === undefined ? '' : ` (field ${error.field})`;
  return ` (line ${error.line}, column ${error.column ?? 1})`;
}

/** The next version number: one more than the newest numeric version, else the current one with ".1". */
function nextVersion(mapping: Mapping): string {
  const numbers = mapping.versions.map((v) => Number(v.version)).filter((n) => Number.isInteger(n));
  const current = Number(mapping.version ?? '0');
  if (Number.isInteger(current)) return String(Math.max(current, ...numbers) + 1);
  return `${mapping.version}.1`;
}

/**
 * The mapping workbench (engineers): the JSONata expression in an editor with syntax highlighting and errors at
 * line/column, a sample pane (pasted, the records waiting in a dead letter, or the first records pulled from a
 * connection's stream), the output and the target-schema check of every sample record as you type, the fixtures
 * with pass/fail, and "save as a new version". Roles that may not save see no save; roles that may not preview see
 * the expression only.
 */
export function WorkbenchPage({ mappingId, query }: { mappingId: string; query: URLSearchParams }) {
  const { api, can } = useSession();
  const deadLetterId = query.get('deadLetter') ?? undefined;
  const loaded = useData(
    async () => {
      const mapping = await unwrap(api.GET('/api/v1/mappings/{mappingId}', { params: { path: { mappingId } } }));
      const letter =
        deadLetterId === undefined
          ? undefined
          : await unwrap(api.GET('/api/v1/dead-letters/{deadLetterId}', { params: { path: { deadLetterId } } }));
      return { mapping, letter };
    },
    `workbench:${mappingId}:${deadLetterId ?? ''}`,
  );
  if (loaded.data === undefined)
    return loaded.error !== undefined ? <ErrorMessage error={loaded.error} /> : <Loading what="the mapping" />;
  return (
    <Workbench
      key={`${loaded.data.mapping.versionId ?? loaded.data.mapping.version}`}
      mapping={loaded.data.mapping}
      letter={loaded.data.letter}
      canPreview={can('mappings:preview')}
      canSave={can('mappings:write')}
      canReplay={can('deadLetters:replay')}
    />
  );
}

function Workbench(props: {
  mapping: Mapping;
  letter?: Schemas['DeadLetter'];
  canPreview: boolean;
  canSave: boolean;
  canReplay: boolean;
}) {
  const { api } = useSession();
  const { mapping, letter } = props;
  const [expression, setExpression] = useState(mapping.expression);
  const [sample, setSample] = useState(() =>
    letter?.source === undefined ? '' : JSON.stringify(letter.source, null, 2),
  );
  const [fixtures, setFixtures] = useState<Fixture[]>(mapping.fixtures ?? []);
  const [evaluation, setEvaluation] = useState<Evaluation>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(() => nextVersion(mapping));
  const [saved, setSaved] = useState<string>();
  const asked = useRef(0);
  const parsed = parseSample(sample);

  // live: the draft is evaluated against the sample and the fixtures a moment after the last change
  useEffect(() => {
    if (!props.canPreview || 'error' in parsed || expression.trim() === '') return;
    const ask = ++asked.current;
    const timer = setTimeout(async () => {
      setBusy(true);
      try {
        // with no sample, one empty record still shows a syntax error at its line and column
        const records = parsed.records.length > 0 ? parsed.records : [{}];
        const answer = await unwrap(
          api.POST('/api/v1/mappings/{mappingId}/preview', {
            params: { path: { mappingId: mapping.id } },
            body: { records, draft: { expression }, fixtures },
          }),
        );
        if (ask !== asked.current) return; // a later change asked again
        setEvaluation({
          results: parsed.records.length > 0 ? answer.results : answer.results.filter((r) => !r.ok),
          fixtures: answer.fixtures ?? [],
        });
        setFailure(undefined);
      } catch (error) {
        if (ask === asked.current) setFailure(error instanceof Error ? error.message : String(error));
      } finally {
        if (ask === asked.current) setBusy(false);
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [expression, sample, fixtures, props.canPreview]);

  // a syntax error is every record's result: shown at its line and column in the editor
  const syntax = evaluation?.results.find(
    (r): r is Extract<MapResult, { ok: false }> => !r.ok && r.error.line !== undefined,
  )?.error;

  const save = async () => {
    if (fixtures.length === 0) throw new Error('Add at least one fixture first (a sample record and its output).');
    const body = {
      version: version.trim(),
      expression,
      fixtures,
      ...(mapping.description === undefined ? {} : { description: mapping.description }),
      ...(mapping.sourceSchema === undefined ? {} : { sourceSchema: mapping.sourceSchema }),
      ...(mapping.targetSchema === undefined ? {} : { targetSchema: mapping.targetSchema }),
    };
    const result = await unwrap(
      api.PUT('/api/v1/mappings/{mappingId}', { params: { path: { mappingId: mapping.id } }, body }),
    );
    setSaved(`Saved version ${result.version ?? version}: flows using ${mapping.id} map with it from their next run.`);
    return undefined;
  };

  const addFixture = () => {
    const first = evaluation?.results[0];
    if (!('records' in parsed) || parsed.records.length === 0 || first === undefined) return;
    const expected = first.ok ? first.value : { error: { code: first.error.code } };
    setFixtures([...fixtures, { name: `sample ${fixtures.length + 1}`, input: parsed.records[0], expected }]);
  };

  return (
    <section class="workbench">
      <p class="crumbs">
        <Link href="/mappings">Mappings</Link> /
      </p>
      <h1>Mapping {mapping.id}</h1>
      <p class="muted">
        Version {mapping.version ?? '(unversioned)'} (
        {mapping.origin === 'store' ? 'stored' : 'from the mappings folder'})
        {mapping.description ? `: ${mapping.description}` : ''}.
        {!props.canPreview && ' Your role may read this mapping, not try it.'}
      </p>
      <div class="bench">
        <div class="pane">
          <h2 id="expression-h">Expression</h2>
          <JsonataEditor
            initial={mapping.expression}
            label="JSONata expression"
            readOnly={!props.canSave}
            error={syntax}
            onChange={setExpression}
          />
          {syntax && (
            <p class="state error" role="alert" data-testid="syntax-error">
              Line {syntax.line}, column {syntax.column ?? 1}: {syntax.message}
            </p>
          )}
          <h2>
            <label for="sample">Sample records</label>
          </h2>
          <p class="muted">
            Paste one record or a JSON array of them, or pull them from a connection.
            {letter && <> Loaded from the dead letter of record {letter.recordKey}.</>}
          </p>
          <ActionButton
            label="Use the records waiting in dead letters"
            action={async () => {
              const sources = await deadLetterSources(api, mapping.id);
              if (sources.length === 0) return 'No flow using this mapping has records waiting in dead letters.';
              setSample(JSON.stringify(sources, null, 2));
              return `Loaded ${sources.length} record(s).`;
            }}
          />
          {props.canPreview && (
            <StreamSamplePicker onRecords={(records) => setSample(JSON.stringify(records, null, 2))} />
          )}
          <textarea
            id="sample"
            rows={8}
            value={sample}
            spellcheck={false}
            onInput={(e) => setSample(e.currentTarget.value)}
          />
          {'error' in parsed && (
            <p class="state error" role="alert">
              {parsed.error}
            </p>
          )}
        </div>
        <div class="pane">
          <h2>
            Output{' '}
            <span class="muted" aria-live="polite">
              {busy ? '(checking…)' : ''}
            </span>
          </h2>
          {failure && <ErrorMessage error={new Error(failure)} />}
          {props.canPreview ? (
            <Output evaluation={evaluation} sampleCount={'records' in parsed ? parsed.records.length : 0} />
          ) : (
            <Empty>Trying a mapping needs the mappings:preview permission (engineers).</Empty>
          )}
          <Fixtures
            outcomes={evaluation?.fixtures}
            fixtures={fixtures}
            editable={props.canSave}
            onRemove={(i) => setFixtures(fixtures.filter((_, n) => n !== i))}
          />
          {props.canSave && (
            <div class="toolbar" role="group" aria-label="Save">
              <button type="button" onClick={addFixture} disabled={!evaluation?.results.length}>
                Add the first sample as a fixture
              </button>
              <label>
                New version <input value={version} size={8} onInput={(e) => setVersion(e.currentTarget.value)} />
              </label>
              <ActionButton label="Save as a new version" class="primary" action={save} />
            </div>
          )}
          {saved && (
            <p class="outcome ok" role="status">
              {saved}
            </p>
          )}
          {saved && letter && props.canReplay && letter.status === 'pending' && <ReplayLetter id={letter.id} />}
        </div>
      </div>
    </section>
  );
}

/** The source records waiting in dead letters of the flows that use the mapping (at most 20). */
async function deadLetterSources(api: Api, mappingId: string): Promise<unknown[]> {
  const flows = await unwrap(api.GET('/api/v1/flows', { params: { query: { limit: 200 } } }));
  const sources: unknown[] = [];
  for (const flow of flows.items.filter((f) => f.definition.mapping.id === mappingId)) {
    const letters = await unwrap(
      api.GET('/api/v1/dead-letters', { params: { query: { flowId: flow.id, status: 'pending', limit: 20 } } }),
    );
    for (const letter of letters.items)
      if (letter.source !== undefined && sources.length < 20) sources.push(letter.source);
  }
  return sources;
}

function ReplayLetter({ id }: { id: string }) {
  const { api } = useSession();
  return (
    <ActionButton
      label="Replay the dead letter"
      action={async () => {
        const report = await unwrap(api.POST('/api/v1/dead-letters/replay', { body: { ids: [id] } }));
        const still = report.stillFailing.length;
        return `Replayed ${report.replayed}: ${report.written} delivered${still > 0 ? `, ${still} still failing` : ''}.`;
      }}
    />
  );
}

function Output({ evaluation, sampleCount }: { evaluation?: Evaluation; sampleCount: number }) {
  if (evaluation === undefined) return <Loading what="the output" />;
  if (sampleCount === 0 && evaluation.results.length === 0)
    return <Empty>Paste a sample record to see what the mapping makes of it.</Empty>;
  return (
    <ol class="outputs" data-testid="output">
      {evaluation.results.map((result, i) => (
        <li key={i} class={result.ok ? 'ok' : 'bad'}>
          {result.ok ? (
            <>
              <span class="sr-only">Record {i + 1} maps to</span>
              <pre>{JSON.stringify(result.value, null, 2)}</pre>
            </>
          ) : (
            <p class="state error">
              Record {i + 1} fails: {result.error.message}
              {where(result.error)}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

function Fixtures(props: {
  outcomes?: FixtureOutcome[];
  fixtures: Fixture[];
  editable: boolean;
  onRemove(index: number): void;
}) {
  return (
    <>
      <h2>Fixtures</h2>
      {props.fixtures.length === 0 ? (
        <Empty>No fixtures: a version is saved only with at least one (a sample record and what it must give).</Empty>
      ) : (
        <ul class="fixtures">
          {props.fixtures.map((fixture, i) => {
            const outcome = props.outcomes?.[i];
            const name = fixture.name ?? `#${i + 1}`;
            return (
              <li key={`${name}-${i}`} data-fixture={name}>
                <span
                  class={
                    outcome === undefined ? 'badge' : outcome.pass ? 'badge status-succeeded' : 'badge status-failed'
                  }
                >
                  {outcome === undefined ? 'not run' : outcome.pass ? 'passes' : 'fails'}
                </span>{' '}
                {name}
                {outcome && !outcome.pass && outcome.diffs[0] && (
                  <span class="muted"> (first difference at {outcome.diffs[0].path})</span>
                )}
                {props.editable && (
                  <button
                    type="button"
                    class="link"
                    onClick={() => props.onRemove(i)}
                    aria-label={`Remove fixture ${name}`}
                  >
                    Remove
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
