import type { ApiBed } from '../helpers';
import { problem, type RouteCase, type Scenario } from '../scenario';

/**
 * Happy paths (and their named errors) of the manual-review routes: records of non-idempotent writes interrupted
 * by a crash (how they get there: test/core/queue/non-idempotent.test.ts).
 */
async function reviewItems(
  bed: ApiBed,
  scenario: Scenario,
  prefix: string,
): Promise<{ flowId: string; ids: string[] }> {
  const flow = await scenario.flow(prefix);
  await bed.hub.repos.reviewItems.add(
    ['c@x.io', 'd@x.io'].map((email, i) => ({
      flowId: flow.flowId,
      runId: flow.runId,
      recordKey: String(3 + i),
      action: 'writeRecords',
      reason: 'a non-idempotent write was in flight when its worker stopped',
      source: { id: String(3 + i), email, name: 'Cy' },
      payload: { email },
    })),
    Date.now(),
  );
  const items = await bed.hub.repos.reviewItems.list({ flowId: flow.flowId });
  return { flowId: flow.flowId, ids: items.map((i) => i.id) };
}

export const reviewCases: Record<string, RouteCase> = {
  async listReviewItems(bed, scenario) {
    const { ids } = await reviewItems(bed, scenario, 'review-list');
    const res = await bed.as('viewer').get('/review-items?flowId=review-list').expect(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(ids);
    // both were added in one millisecond: their order is the ids', so find each by its record
    const byKey = (key: string) => res.body.items.find((i: { recordKey: string }) => i.recordKey === key);
    expect(byKey('3')).toMatchObject({ status: 'open', action: 'writeRecords', payload: { email: 'c@x.io' } });
    expect(byKey('4')).toMatchObject({ status: 'open', payload: { email: 'd@x.io' } });
    const done = await bed.as('viewer').get('/review-items?flowId=review-list&status=done').expect(200);
    expect(done.body).toEqual({ items: [] });
  },

  async resolveReviewItemDone(bed, scenario) {
    const { ids } = await reviewItems(bed, scenario, 'review-done');
    const res = await bed.as('marketer').post(`/review-items/${ids[0]}/done`).expect(200);
    expect(res.body).toMatchObject({ item: { id: ids[0], status: 'done' } });
    problem(await bed.as('marketer').post(`/review-items/${ids[0]}/done`), 409);
    problem(await bed.as('marketer').post('/review-items/rev_nothing/done'), 404);
  },

  async resolveReviewItemRetry(bed, scenario) {
    const { ids } = await reviewItems(bed, scenario, 'review-retry');
    const res = await bed.as('marketer').post(`/review-items/${ids[1]}/retry`).expect(200);
    expect(res.body).toMatchObject({ item: { id: ids[1], status: 'retry' }, replay: { replayed: 1, written: 1 } });
    problem(await bed.as('marketer').post(`/review-items/${ids[1]}/retry`), 409);
  },
};
