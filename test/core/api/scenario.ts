import type { ApiBed } from './helpers';

/** One case of the route suite: exercises the route's happy path (and its own named errors) on the shared bed. */
export type RouteCase = (bed: ApiBed, scenario: Scenario) => Promise<void>;

export const CANARY = `tok-canary-${Math.random().toString(36).slice(2)}-secret`;

export const STRICT_EMAIL = {
  expression: '{ "id": id, "email": email, "name": name }',
  targetSchema: { type: 'object', required: ['email'], properties: { email: { type: 'string', pattern: '@' } } },
  fixtures: [
    {
      name: 'ok',
      input: { id: '1', email: 'a@x.io', name: 'Ann' },
      expected: { id: '1', email: 'a@x.io', name: 'Ann' },
    },
    {
      name: 'no-email',
      input: { id: '2', email: 'nope' },
      expected: { error: { code: 'output.invalid', field: '/email' } },
    },
  ],
};

export interface PeopleFlow {
  flowId: string;
  runId: string;
  deadLetterId: string;
  sourceId: string;
  targetId: string;
}

/**
 * Data several cases read, made once per bed through the API itself: two file connections, a stored mapping that
 * refuses records without an "@" in the email, an enabled flow between them and one run of it with one failure
 * (dead-lettered). `flow(prefix)` makes another independent one (for cases that change it).
 */
export class Scenario {
  private readonly made = new Map<string, Promise<PeopleFlow>>();

  constructor(private readonly bed: ApiBed) {}

  people(): Promise<PeopleFlow> {
    return this.flow('people');
  }

  flow(prefix: string): Promise<PeopleFlow> {
    let made = this.made.get(prefix);
    if (made === undefined) this.made.set(prefix, (made = this.make(prefix)));
    return made;
  }

  private async make(prefix: string): Promise<PeopleFlow> {
    const { bed } = this;
    bed.file(`${prefix}.csv`, 'id,email,name\n1,a@x.io,Ann\n2,broken,Bob\n');
    const source = await bed.fileConnection(`${prefix}-in`, { path: `${prefix}.csv` });
    const target = await bed.fileConnection(`${prefix}-out`, { output: `${prefix}-out.ndjson` });
    const engineer = bed.as('engineer');
    const mapping = await engineer.post('/mappings', { name: `${prefix}-email`, version: '1', ...STRICT_EMAIL });
    if (mapping.status !== 201) throw new Error(`mapping: ${JSON.stringify(mapping.body)}`);
    const flow = await engineer.post('/flows', {
      name: prefix,
      source: { connection: source.name, stream: 'records' },
      mapping: { id: `${prefix}-email` },
      target: { connection: target.name, action: 'writeRecords' },
      trigger: { type: 'manual' },
      mode: 'upsert',
    });
    if (flow.status !== 201) throw new Error(`flow: ${JSON.stringify(flow.body)}`);
    await engineer.post(`/flows/${flow.body.id}/enable`).expect(200);
    const started = await engineer.post(`/flows/${flow.body.id}/run`).expect(202);
    const run = await bed.waitForRun(started.body.runId);
    if (run.status !== 'partial') throw new Error(`run: ${JSON.stringify(run)}`);
    const [letter] = await bed.hub.repos.deadLetters.list({ flowId: flow.body.id });
    return { flowId: flow.body.id, runId: run.id, deadLetterId: letter.id, sourceId: source.id, targetId: target.id };
  }
}

/** The problem of a 4xx answer, checked for shape. */
export function problem(res: { status: number; headers: Record<string, string>; body: unknown }, status: number) {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers['content-type']).toContain('application/problem+json');
  return res.body as { title: string; detail?: string; errors?: { field: string; message: string }[] };
}
