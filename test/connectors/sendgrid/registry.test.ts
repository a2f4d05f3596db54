import { createRegistry } from '../../../core/registry';

describe('sendgrid in the registry', () => {
  it('is discovered as a built-in with a secret apiKey, its streams, actions and webhook', async () => {
    const registry = await createRegistry({ plugins: [] });
    expect(registry.problems.filter((p) => p.source.includes('sendgrid'))).toEqual([]);
    const described = registry.describe('sendgrid');
    expect(described.source).toBe('builtin');
    expect((described.settingsSchema.properties as Record<string, Record<string, unknown>>).apiKey).toMatchObject({
      'x-secret': true,
    });
    expect(described.streams.map((s) => s.name)).toEqual(['contacts', 'suppressions']);
    expect(described.actions.map((a) => [a.name, a.mode])).toEqual([
      ['upsertContacts', 'upsert'],
      ['deleteContacts', 'delete'],
      ['eraseRecipients', 'erase'],
    ]);
    expect(described.webhooks).toEqual([expect.objectContaining({ name: 'events', stream: 'suppressions' })]);
    expect(Object.fromEntries(described.actions.map((a) => [a.name, a.maxBatchSize]))).toEqual({
      upsertContacts: 30_000,
      deleteContacts: 100,
      eraseRecipients: 5_000,
    });
  });
});
