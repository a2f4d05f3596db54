import { Type } from '@sinclair/typebox';
import type { Registry } from '../../registry';
import type { ConnectorDefinition, StreamDefinition } from '../../sdk/define';
import { toErrorInfo } from '../../sdk/errors';
import { outboundHttp } from '../../sdk/http';
import { ensureFreshToken } from '../../sdk/oauth';
import { redactVendorText, redactVendorValue } from '../../security/redact';
import { secretPaths, secretValues } from '../../security/secrets';
import type { HubLogger } from '../../logging/logger';
import type { Repos } from '../../store/repos';
import { ApiProblem, PROBLEM_BASE, unprocessable } from '../problem';
import { defineRoute } from '../route';
import { Ref } from '../schemas';

/**
 * The first records of a connection's stream, for the mapping workbench's sample pane: one page read through the
 * connector with the connection's context (settings decrypted, an OAuth2 token refreshed when due, every request
 * through the outbound door), as a run's first page would be read from the start. Nothing is recorded: no
 * checkpoint, no link, no run. Vendor words in errors and records are scrubbed of the connection's secrets.
 */

export const MAX_SAMPLE_RECORDS = 20;

const SampleParams = Type.Object({
  connectionId: Ref('Connection id (con_…) or name'),
  stream: Type.String({ minLength: 1, maxLength: 100, description: "The stream's name (GET /connectors/{id})" }),
});

const SampleQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_SAMPLE_RECORDS,
        default: 5,
        description: `How many records (at most ${MAX_SAMPLE_RECORDS})`,
      }),
    ),
  },
  { additionalProperties: false },
);

const StreamSample = Type.Object(
  {
    connectionId: Type.String(),
    connectionName: Type.String(),
    stream: Type.String(),
    records: Type.Array(Type.Unknown(), {
      description: 'The first records of the first page, as the stream reads them',
    }),
    more: Type.Boolean({ description: 'The first page held more records than were asked for' }),
  },
  { title: 'StreamSample' },
);

type AnyStream = StreamDefinition<Record<string, unknown>, object>;

interface SampleDeps {
  repos: Repos;
  registry: Pick<Registry, 'has' | 'get'>;
  logger: HubLogger;
}

/** What a person does about a failed read, by the error's kind (never by its message). */
function fixFor(kind: string): string {
  switch (kind) {
    case 'auth':
      return "check the connection's credentials on the Connections page (Test) and update them";
    case 'config':
      return "correct the connection's settings on the Connections page";
    case 'rate_limited':
      return 'the vendor asks to slow down: try again in a moment';
    case 'retryable':
      return 'the vendor or the network failed for now: try again in a moment';
    default:
      return 'the vendor refused the read: check the connection and the stream';
  }
}

async function readSample(
  deps: SampleDeps,
  ref: string,
  streamName: string,
  limit: number,
): Promise<{ connectionId: string; connectionName: string; stream: string; records: unknown[]; more: boolean }> {
  const connection = await deps.repos.connections.require(ref, { decrypt: true });
  if (!deps.registry.has(connection.connectorId)) {
    throw unprocessable(
      `connection ${connection.name} uses connector ${connection.connectorId}, which is not installed: install it or pick another connection`,
      [{ field: '/params/connectionId', message: `connector ${connection.connectorId} is not installed` }],
    );
  }
  const connector = deps.registry.get(connection.connectorId) as ConnectorDefinition<Record<string, unknown>>;
  const stream = connector.streams.find((s) => s.name === streamName) as AnyStream | undefined;
  if (stream === undefined) {
    const names = connector.streams.map((s) => s.name).join(', ') || 'none';
    throw unprocessable(`connector ${connector.id} has no stream "${streamName}"; pick one of: ${names}`, [
      { field: '/params/stream', message: `not a stream of ${connector.id} (streams: ${names})` },
    ]);
  }
  const own = secretValues(connection.settings, secretPaths(connector.settingsSchema));
  const http = outboundHttp({ connector: connector.id, timeoutMs: connector.policy.timeoutMs });
  const signal = AbortSignal.timeout(Math.max(5_000, connector.policy.timeoutMs ?? 30_000));
  let iterator: AsyncIterator<{ records: object[] }> | undefined;
  try {
    const settings = await ensureFreshToken({ store: deps.repos.connections, connector, connection, http, signal });
    const pages = stream.read({
      connection: {
        id: connection.id,
        name: connection.name,
        settings,
        log: deps.logger.child({ module: 'stream-sample', connectionId: connection.id, connector: connector.id }),
        http,
        signal,
      },
      checkpoint: null,
    });
    iterator = pages[Symbol.asyncIterator]();
    const first = await iterator.next();
    const records: unknown[] = first.done || !Array.isArray(first.value?.records) ? [] : first.value.records;
    return {
      connectionId: connection.id,
      connectionName: connection.name,
      stream: stream.name,
      records: redactVendorValue(records.slice(0, limit), own),
      more: records.length > limit,
    };
  } catch (error) {
    const info = toErrorInfo(error);
    const detail = `reading ${stream.name} from ${connection.name} failed: ${redactVendorText(info.message, own)}; ${fixFor(info.kind)}`;
    // settings the connector refuses are the connection's to fix (422); a vendor's refusal is upstream (502/503)
    if (info.kind === 'config')
      throw unprocessable(detail, [{ field: '/params/connectionId', message: redactVendorText(info.message, own) }]);
    if (info.kind === 'rate_limited') {
      const seconds = Math.max(1, Math.ceil((info.retryAfterMs ?? 1000) / 1000));
      throw new ApiProblem(503, {
        type: `${PROBLEM_BASE}upstream-rate-limited`,
        detail,
        headers: { 'retry-after': String(seconds) },
      });
    }
    throw new ApiProblem(502, { type: `${PROBLEM_BASE}upstream-${info.kind}`, detail });
  } finally {
    // one page is all we want: let the stream close what it opened (a file, a cursor)
    await iterator?.return?.().catch(() => undefined);
  }
}

export const streamSampleRoutes = [
  defineRoute({
    method: 'get',
    path: '/connections/:connectionId/streams/:stream/sample',
    operationId: 'sampleStream',
    tag: 'connections',
    permission: 'mappings:preview',
    summary: "Read the first records of a connection's stream (one page; nothing is recorded)",
    description:
      'For the mapping workbench: reads the first page of the stream from the start, as a first run would, and ' +
      `answers up to \`limit\` (at most ${MAX_SAMPLE_RECORDS}) of its records. Writes nothing, moves no checkpoint. ` +
      "Settings the connector refuses are a 422; a vendor's refusal a 502 (503 when rate limited); each detail says " +
      'what to do.',
    params: SampleParams,
    query: SampleQuery,
    response: { status: 200, description: 'The first records of the stream', schema: StreamSample },
    problems: [404, 422, 502, 503],
    handler: async ({ deps, params, query }) =>
      readSample(
        { repos: deps.repos, registry: deps.registry, logger: deps.logger },
        params.connectionId,
        params.stream,
        query.limit ?? 5,
      ),
  }),
];
