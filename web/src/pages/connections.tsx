import { useState } from 'preact/hooks';
import { unwrap, type Connection } from '../api/client';
import { SettingsFields, settingsFrom, type SettingsSchema } from '../components/settings-form';
import { ActionButton, Empty, Show, formatTime, useData } from '../components/ui';
import { useSession } from '../session';

const STATUS_WORDS: Record<string, string> = { untested: 'Not tested yet', ok: 'Working', error: 'Not working' };

/** Connections: list with their state; add (form from the connector's settings schema), test and remove. */
export function ConnectionsPage() {
  const { api, can } = useSession();
  const loaded = useData(
    () => unwrap(api.GET('/api/v1/connections', { params: { query: { limit: 200 } } })),
    'connections',
  );
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string>();
  const write = can('connections:write');
  return (
    <section>
      <h1>Connections</h1>
      <p>The accounts the hub reads from and writes to. Secrets are stored encrypted and never shown again.</p>
      {notice && (
        <p class="outcome ok" role="status">
          {notice}
        </p>
      )}
      {write &&
        (adding ? (
          <AddConnection
            onDone={(created) => {
              setAdding(false);
              if (created) setNotice(`Added ${created.name}. Test it to check the settings.`);
              loaded.reload();
            }}
          />
        ) : (
          <button type="button" class="primary" onClick={() => setAdding(true)}>
            Add a connection
          </button>
        ))}
      <Show loaded={loaded} what="connections">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No connections yet.</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Connections</caption>
                <thead>
                  <tr>
                    <th scope="col">Connection</th>
                    <th scope="col">Connector</th>
                    <th scope="col">State</th>
                    {write && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((c) => (
                    <tr key={c.id} data-connection={c.name}>
                      <th scope="row">
                        {c.name}
                        {c.sandbox && (
                          <>
                            {' '}
                            <span class="badge sandbox" title="A local stand-in for the vendor, with made-up data">
                              Sandbox
                            </span>
                          </>
                        )}
                      </th>
                      <td>{c.connectorId}</td>
                      <td>
                        {STATUS_WORDS[c.status] ?? c.status}
                        {c.lastCheckedAt !== undefined && (
                          <span class="muted"> (checked {formatTime(c.lastCheckedAt)})</span>
                        )}
                        {c.lastCheckError && <div class="state error">{c.lastCheckError}</div>}
                      </td>
                      {write && (
                        <td>
                          <ActionButton
                            label={`Test ${c.name}`}
                            action={async () => {
                              const check = await unwrap(
                                api.POST('/api/v1/connections/{connectionId}/check', {
                                  params: { path: { connectionId: c.id } },
                                }),
                              );
                              loaded.reload();
                              setNotice(`${c.name}: ${check.message}`);
                            }}
                          />{' '}
                          <ActionButton
                            label={`Remove ${c.name}`}
                            action={async () => {
                              if (!confirm(`Remove the connection ${c.name}? Flows using it must be deleted first.`))
                                return;
                              await unwrap(
                                api.DELETE('/api/v1/connections/{connectionId}', {
                                  params: { path: { connectionId: c.id } },
                                }),
                              );
                              loaded.reload();
                              setNotice(`Removed ${c.name}.`);
                            }}
                          />
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </section>
  );
}

function AddConnection({ onDone }: { onDone(created?: Connection): void }) {
  const { api } = useSession();
  const connectors = useData(
    () => unwrap(api.GET('/api/v1/connectors', { params: { query: { limit: 200 } } })),
    'connectors',
  );
  const [connectorId, setConnectorId] = useState('');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const connector = useData(
    async () =>
      connectorId === ''
        ? undefined
        : unwrap(api.GET('/api/v1/connectors/{connectorId}', { params: { path: { connectorId } } })),
    `connector:${connectorId}`,
  );
  const schema = connector.data?.settingsSchema as SettingsSchema | undefined;
  return (
    <form class="card" aria-label="Add a connection" onSubmit={(e) => e.preventDefault()}>
      <h2>Add a connection</h2>
      <div class="field">
        <label for="new-connector">Connector</label>{' '}
        <select
          id="new-connector"
          value={connectorId}
          onChange={(e) => {
            setConnectorId(e.currentTarget.value);
            setValues({});
          }}
        >
          <option value="">Choose…</option>
          {connectors.data?.items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="new-name">Name</label>{' '}
        <input id="new-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      {schema && <SettingsFields key={connectorId} schema={schema} values={values} onChange={setValues} />}
      <ActionButton
        label="Save connection"
        class="primary"
        disabled={schema === undefined || name.trim() === ''}
        action={async () => {
          if (schema === undefined) return;
          const created = await unwrap(
            api.POST('/api/v1/connections', {
              body: { name: name.trim(), connectorId, settings: settingsFrom(schema, values) },
            }),
          );
          onDone(created);
        }}
      />{' '}
      <button type="button" onClick={() => onDone()}>
        Cancel
      </button>
    </form>
  );
}
