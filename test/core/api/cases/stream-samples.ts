import { problem, type RouteCase } from '../scenario';

/** GET /connections/{id}/streams/{stream}/sample: the first records of a stream, read through the connector. */
export const streamSampleCases: Record<string, RouteCase> = {
  async sampleStream(bed) {
    bed.file('sample.csv', 'id,email,name\n1,ann@example.com,Ann\n2,bob@example.com,Bob\n3,cy@example.com,Cy\n');
    const connection = await bed.fileConnection('sample-in', { path: 'sample.csv' });
    // mappings:preview, as the workbench's preview: an engineer may, a marketer may not
    const res = await bed.as('engineer').get('/connections/sample-in/streams/records/sample?limit=2').expect(200);
    expect(res.body).toMatchObject({
      connectionId: connection.id,
      connectionName: 'sample-in',
      stream: 'records',
      more: true,
      records: [
        expect.objectContaining({ email: 'ann@example.com', name: 'Ann' }),
        expect.objectContaining({ email: 'bob@example.com', name: 'Bob' }),
      ],
    });
    expect(res.body.records).toHaveLength(2);
    const all = await bed.as('engineer').get(`/connections/${connection.id}/streams/records/sample`).expect(200);
    expect(all.body).toMatchObject({ more: false });
    expect(all.body.records).toHaveLength(3);
    problem(await bed.as('marketer').get('/connections/sample-in/streams/records/sample'), 403);

    // nothing was recorded: the connection has no flow, no checkpoint, no run
    const runs = await bed.as('viewer').get('/runs').expect(200);
    expect(JSON.stringify(runs.body)).not.toContain(connection.id);

    // at most 20; an unknown stream and an unknown connection are named
    const tooMany = problem(
      await bed.as('engineer').get('/connections/sample-in/streams/records/sample?limit=21'),
      400,
    );
    expect(tooMany.errors?.[0].field).toBe('/query/limit');
    const stream = problem(await bed.as('engineer').get('/connections/sample-in/streams/contacts/sample'), 422);
    expect(stream.detail).toBe('connector file has no stream "contacts"; pick one of: records');
    expect(stream.errors?.[0].field).toBe('/params/stream');
    problem(await bed.as('engineer').get('/connections/nope/streams/records/sample'), 404);

    // a read that fails says why and what to do, in words, without a stack trace
    await bed.fileConnection('sample-gone', { path: 'gone.csv' });
    const gone = await bed.as('engineer').get('/connections/sample-gone/streams/records/sample');
    const body = problem(gone, 422);
    expect(body.detail).toMatch(
      /^reading records from sample-gone failed: gone\.csv does not exist in .*; correct the connection's settings/,
    );
    expect(body.errors?.[0].field).toBe('/params/connectionId');
    expect(gone.text).not.toMatch(/\bat .*\.(js|ts):\d+/);
  },
};
