import { useState } from 'preact/hooks';
import { unwrap, type Template } from '../api/client';
import { ActionButton, Empty, Link, Show, formatTime, useData } from '../components/ui';
import { describeTrigger } from '../../../core/flows/schedule-words';
import { DryRunPreview } from '../components/dry-run-preview';
import { useSession } from '../session';

/** The templates in plain words: what moves where, which systems each needs, and when it runs. */
export function TemplatesPage() {
  const { api, can } = useSession();
  const loaded = useData(
    () => unwrap(api.GET('/api/v1/templates', { params: { query: { limit: 200 } } })),
    'templates',
  );
  const [enabling, setEnabling] = useState<string>();
  return (
    <section>
      <h1>Templates</h1>
      <p>Prebuilt flows: pick the connection for each system, choose when it runs, and it keeps them in step.</p>
      <Show loaded={loaded} what="templates">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No templates are installed.</Empty>
          ) : (
            page.items.map((t) => (
              <article key={t.id} class="card" data-template={t.id} aria-labelledby={`t-${t.id}`}>
                <h2 id={`t-${t.id}`}>{t.title}</h2>
                <p>{t.description}</p>
                <p class="muted">{t.flows.map((f) => `${f.name} ${describeTrigger(f.trigger)}`).join('; ')}.</p>
                <p>
                  Needs:{' '}
                  {Object.entries(t.roles)
                    .map(([role, r]) => `${role} (${r.connector}: ${r.description})`)
                    .join(', ')}
                </p>
                {can('templates:enable') &&
                  (enabling === t.id ? (
                    <EnableWizard template={t} onClose={() => setEnabling(undefined)} />
                  ) : (
                    <button type="button" class="primary" onClick={() => setEnabling(t.id)}>
                      Enable {t.title}
                    </button>
                  ))}
              </article>
            ))
          )
        }
      </Show>
    </section>
  );
}

type Schedule = { kind: 'template' } | { kind: 'manual' } | { kind: 'cron'; cron: string; timezone: string };

/** Enable: pick a connection per role, choose the schedule, confirm; then says when each flow runs. */
function EnableWizard({ template, onClose }: { template: Template; onClose(): void }) {
  const { api } = useSession();
  const [step, setStep] = useState(1);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [schedule, setSchedule] = useState<Schedule>({ kind: 'template' });
  const [done, setDone] = useState<{ flow: string; words: string; firstRunAt?: number }[]>();
  const connections = useData(
    () => unwrap(api.GET('/api/v1/connections', { params: { query: { limit: 200 } } })),
    'connections',
  );
  const roles = Object.entries(template.roles);
  const templateWords = template.flows.map((f) => describeTrigger(f.trigger)).join('; ');

  if (done)
    return (
      <div class="wizard">
        <p role="status">Enabled:</p>
        <ul>
          {done.map((d) => (
            <li key={d.flow}>
              <Link href={`/flows/${encodeURIComponent(d.flow)}`}>{d.flow}</Link> {d.words}
              {d.firstRunAt !== undefined && `; first run ${formatTime(d.firstRunAt)}`}
              <DryRunPreview flow={d.flow} />
            </li>
          ))}
        </ul>
      </div>
    );
  return (
    <form class="wizard" aria-label={`Enable ${template.title}`} onSubmit={(e) => e.preventDefault()}>
      <p class="muted">Step {step} of 3</p>
      {step === 1 && (
        <fieldset>
          <legend>Pick a connection for each system</legend>
          <Show loaded={connections} what="connections">
            {(page) => (
              <>
                {roles.map(([role, r]) => {
                  const fitting = page.items.filter((c) => c.connectorId === r.connector);
                  return (
                    <label key={role} class="field">
                      {role}: {r.description}
                      <select
                        value={picked[role] ?? ''}
                        onChange={(e) => setPicked({ ...picked, [role]: e.currentTarget.value })}
                      >
                        <option value="">Choose a {r.connector} connection</option>
                        {fitting.map((c) => (
                          <option key={c.id} value={c.name}>
                            {c.name}
                          </option>
                        ))}
                      </select>
                      {fitting.length === 0 && (
                        <span class="muted"> No {r.connector} connection yet: add one first.</span>
                      )}
                    </label>
                  );
                })}
                <button
                  type="button"
                  class="primary"
                  disabled={roles.some(([role]) => !picked[role])}
                  onClick={() => setStep(2)}
                >
                  Next: schedule
                </button>
              </>
            )}
          </Show>
        </fieldset>
      )}
      {step === 2 && (
        <fieldset>
          <legend>When should it run?</legend>
          <label class="field">
            <input
              type="radio"
              name="schedule"
              checked={schedule.kind === 'template'}
              onChange={() => setSchedule({ kind: 'template' })}
            />
            As the template says: {templateWords}
          </label>
          <label class="field">
            <input
              type="radio"
              name="schedule"
              checked={schedule.kind === 'manual'}
              onChange={() => setSchedule({ kind: 'manual' })}
            />
            Only when I start it
          </label>
          <label class="field">
            <input
              type="radio"
              name="schedule"
              checked={schedule.kind === 'cron'}
              onChange={() => setSchedule({ kind: 'cron', cron: '*/30 * * * *', timezone: 'UTC' })}
            />
            On my own schedule (cron)
          </label>
          {schedule.kind === 'cron' && (
            <>
              <label class="field">
                Cron expression{' '}
                <input
                  value={schedule.cron}
                  onInput={(e) => setSchedule({ ...schedule, cron: e.currentTarget.value })}
                />
              </label>
              <label class="field">
                Time zone{' '}
                <input
                  value={schedule.timezone}
                  onInput={(e) => setSchedule({ ...schedule, timezone: e.currentTarget.value })}
                />
              </label>
            </>
          )}
          <button type="button" onClick={() => setStep(1)}>
            Back
          </button>{' '}
          <button type="button" class="primary" onClick={() => setStep(3)}>
            Next: confirm
          </button>
        </fieldset>
      )}
      {step === 3 && (
        <fieldset>
          <legend>Confirm</legend>
          <ul>
            {roles.map(([role]) => (
              <li key={role}>
                {role}: {picked[role]}
              </li>
            ))}
            <li>
              Runs:{' '}
              {schedule.kind === 'template'
                ? templateWords
                : schedule.kind === 'manual'
                  ? 'only when started'
                  : describeTrigger({ type: 'schedule', cron: schedule.cron, timezone: schedule.timezone })}
            </li>
          </ul>
          <button type="button" onClick={() => setStep(2)}>
            Back
          </button>{' '}
          <ActionButton
            label="Enable"
            class="primary"
            action={async () => {
              const body = {
                connections: picked,
                ...(schedule.kind === 'manual' ? { schedule: 'manual' } : {}),
                ...(schedule.kind === 'cron' ? { schedule: schedule.cron, timezone: schedule.timezone } : {}),
              };
              const result = await unwrap(
                api.POST('/api/v1/templates/{templateId}/enable', {
                  params: { path: { templateId: template.id } },
                  body,
                }),
              );
              setDone(result.schedules.map((s) => ({ flow: s.flow, words: s.words, firstRunAt: s.firstRunAt })));
            }}
          />{' '}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </fieldset>
      )}
    </form>
  );
}
