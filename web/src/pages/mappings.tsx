import { unwrap } from '../api/client';
import { Empty, Link, Show, formatTime, useData } from '../components/ui';
import { useSession } from '../session';

/** Mappings: the current version of each, to open in the workbench. */
export function MappingsPage() {
  const { api } = useSession();
  const loaded = useData(() => unwrap(api.GET('/api/v1/mappings', { params: { query: { limit: 200 } } })), 'mappings');
  return (
    <section>
      <h1>Mappings</h1>
      <p>How each flow turns a source record into what the target receives. Open one to try and change it.</p>
      <Show loaded={loaded} what="mappings">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No mappings yet.</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Mappings</caption>
                <thead>
                  <tr>
                    <th scope="col">Mapping</th>
                    <th scope="col">Version</th>
                    <th scope="col">Where it lives</th>
                    <th scope="col">Saved</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((m) => (
                    <tr key={m.id} data-mapping={m.id}>
                      <th scope="row">
                        <Link href={`/mappings/${encodeURIComponent(m.id)}`}>{m.id}</Link>
                        {m.description && <div class="muted">{m.description}</div>}
                      </th>
                      <td>{m.version ?? '—'}</td>
                      <td>{m.origin === 'store' ? 'Stored in the hub' : 'Mappings folder'}</td>
                      <td>{formatTime(m.createdAt)}</td>
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
