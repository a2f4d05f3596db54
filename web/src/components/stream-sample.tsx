import { useState } from 'preact/hooks';
import { unwrap } from '../api/client';
import { useSession } from '../session';
import { ActionButton, ErrorMessage, Loading, useData } from './ui';

/** The most records the hub reads for a sample (GET …/streams/{stream}/sample answers at most 20). */
const MAX_SAMPLE = 20;

interface Source {
  connection: string;
  sandbox: boolean;
  streams: string[];
}

/**
 * "Pull from a connection": pick a connection and one of its connector's streams, and the first records of that
 * stream (read live through the connector, nothing recorded) become the workbench's sample.
 */
export function StreamSamplePicker({ onRecords }: { onRecords(records: unknown[]): void }) {
  const { api } = useSession();
  const loaded = useData(async () => {
    const [connections, connectors] = await Promise.all([
      unwrap(api.GET('/api/v1/connections', { params: { query: { limit: 200 } } })),
      unwrap(api.GET('/api/v1/connectors', { params: { query: { limit: 200 } } })),
    ]);
    const streams = new Map(connectors.items.map((c) => [c.id, c.streams]));
    return connections.items
      .map((c): Source => ({
        connection: c.name,
        sandbox: c.sandbox === true,
        streams: streams.get(c.connectorId) ?? [],
      }))
      .filter((s) => s.streams.length > 0);
  }, 'stream-sources');
  const [connection, setConnection] = useState<string>();
  const [stream, setStream] = useState<string>();
  const [limit, setLimit] = useState(5);

  if (loaded.data === undefined)
    return loaded.error !== undefined ? <ErrorMessage error={loaded.error} /> : <Loading what="the connections" />;
  const sources = loaded.data;
  if (sources.length === 0) return null; // no connection with a readable stream: pasting is the only way
  const chosen = sources.find((s) => s.connection === connection) ?? sources[0];
  const chosenStream = stream !== undefined && chosen.streams.includes(stream) ? stream : chosen.streams[0];

  return (
    <fieldset class="pull" aria-describedby="pull-help">
      <legend>Pull from a connection</legend>
      <p id="pull-help" class="muted">
        Reads the first records of a stream live (nothing is written or recorded).
      </p>
      <label>
        Connection{' '}
        <select
          value={chosen.connection}
          onChange={(e) => {
            setConnection(e.currentTarget.value);
            setStream(undefined);
          }}
        >
          {sources.map((s) => (
            <option key={s.connection} value={s.connection}>
              {s.connection}
              {s.sandbox ? ' (sandbox)' : ''}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Stream{' '}
        <select value={chosenStream} onChange={(e) => setStream(e.currentTarget.value)}>
          {chosen.streams.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Records{' '}
        <input
          type="number"
          min={1}
          max={MAX_SAMPLE}
          value={limit}
          size={3}
          onInput={(e) => setLimit(Math.min(MAX_SAMPLE, Math.max(1, Number(e.currentTarget.value) || 1)))}
        />
      </label>{' '}
      <ActionButton
        label="Pull records"
        action={async () => {
          const sample = await unwrap(
            api.GET('/api/v1/connections/{connectionId}/streams/{stream}/sample', {
              params: { path: { connectionId: chosen.connection, stream: chosenStream }, query: { limit } },
            }),
          );
          if (sample.records.length === 0) return `${chosenStream} of ${sample.connectionName} has no records.`;
          onRecords(sample.records);
          return `Pulled ${sample.records.length} record(s) from ${chosenStream} of ${sample.connectionName}.`;
        }}
      />
    </fieldset>
  );
}
