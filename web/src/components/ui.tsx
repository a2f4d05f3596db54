import type { ComponentChildren, TargetedMouseEvent } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { navigate } from '../router';

/** Shared pieces: links, the loading/empty/error states, a data hook, and formatting. */

export function Link(props: { href: string; children: ComponentChildren; class?: string }) {
  const onClick = (event: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} onClick={onClick} class={props.class}>
      {props.children}
    </a>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="state" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p class="state error" role="alert">
      {message}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload(): void;
}

/** Loads once per `key` (and on reload); keeps the last data while reloading so pages do not flicker. */
export function useData<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Renders the loading and error states, then the page with its data. */
export function Show<T>(props: { loaded: Loaded<T>; what: string; children: (data: T) => ComponentChildren }) {
  const { data, error } = props.loaded;
  if (error !== undefined && data === undefined) return <ErrorMessage error={error} />;
  if (data === undefined) return <Loading what={props.what} />;
  return <>{props.children(data)}</>;
}

export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDuration(start: number | undefined, end: number | undefined): string {
  if (start === undefined) return '—';
  const seconds = Math.max(0, ((end ?? Date.now()) - start) / 1000);
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

const STATUS_WORDS: Record<string, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  partial: 'Some records failed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function RunStatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{STATUS_WORDS[status] ?? status}</span>;
}

/** A button that runs an action, shows it is busy, and reports the outcome in words. */
export function ActionButton(props: {
  label: string;
  action: () => Promise<string | void>;
  class?: string;
  disabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const onClick = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const text = await props.action();
      if (text) setOutcome({ ok: true, text });
    } catch (error) {
      setOutcome({ ok: false, text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={props.class} onClick={onClick} disabled={busy || props.disabled}>
        {busy ? `${props.label}…` : props.label}
      </button>
      {outcome && (
        <span class={outcome.ok ? 'outcome ok' : 'outcome error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </span>
      )}
    </span>
  );
}
