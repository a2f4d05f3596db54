import { conformanceSetupOf } from '../../../../core/sdk/testing';

describe("conformanceSetupOf (how hub plugins check finds a plugin's options)", () => {
  it('uses a conformance export: a setup function, or a plain options object', async () => {
    let closed = false;
    const setup = await conformanceSetupOf({
      conformance: async () => ({ options: { maxPages: 2 }, close: () => void (closed = true) }),
    });
    expect(setup.source).toBe('conformance export');
    expect(setup.options).toEqual({ maxPages: 2 });
    await setup.close?.();
    expect(closed).toBe(true);
    expect(await conformanceSetupOf({ conformance: { pageLimit: 3 } })).toEqual({
      options: { pageLimit: 3 },
      source: 'conformance export',
    });
  });

  it('otherwise starts an exported sandbox and uses its settings', async () => {
    const started: object[] = [];
    let closed = 0;
    const startSandbox = async (options?: object) => {
      started.push(options ?? {});
      return { settings: { baseUrl: 'http://127.0.0.1:1' }, close: async () => void (closed += 1) };
    };
    for (const exported of [{ startSandbox }, { sandbox: { startSandbox } }]) {
      const setup = await conformanceSetupOf(exported);
      expect(setup.source).toBe('sandbox module');
      expect(await setup.options.settings?.()).toEqual({ baseUrl: 'http://127.0.0.1:1' });
      await setup.close?.();
    }
    expect(started).toHaveLength(2);
    expect(closed).toBe(2);
  });

  it('runs with no options when the plugin offers neither', async () => {
    expect(await conformanceSetupOf({ connector: {} }, __filename)).toEqual({ options: {}, source: 'none' });
  });
});
