import { useState } from 'preact/hooks';

/**
 * A connection's settings form, generated from the connector's settings schema (JSON Schema): text, number,
 * yes/no and choice fields for the top-level properties; secret fields (`x-secret`) are password inputs, typed
 * once and never shown again (the hub answers "[secret]"). Nested objects and arrays are edited as JSON.
 */

export interface SettingsSchema {
  properties?: Record<string, FieldSchema>;
  required?: string[];
}

interface FieldSchema {
  type?: string | string[];
  description?: string;
  title?: string;
  enum?: unknown[];
  /** TypeBox writes a union of literals as anyOf of consts. */
  anyOf?: { const?: unknown }[];
  default?: unknown;
  'x-secret'?: boolean;
}

type Kind = 'text' | 'secret' | 'number' | 'boolean' | 'choice' | 'json';

/** The values a field may take, when the schema lists them (enum, or anyOf of consts). */
function choicesOf(field: FieldSchema): unknown[] | undefined {
  if (field.enum !== undefined) return field.enum;
  if (field.anyOf !== undefined && field.anyOf.length > 0 && field.anyOf.every((a) => 'const' in a))
    return field.anyOf.map((a) => a.const);
  return undefined;
}

function kindOf(field: FieldSchema): Kind {
  const type = Array.isArray(field.type) ? field.type.find((t) => t !== 'null') : field.type;
  if (field['x-secret']) return 'secret';
  if (choicesOf(field) !== undefined) return 'choice';
  if (type === 'integer' || type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'object' || type === 'array') return 'json';
  return 'text';
}

/** The settings object from the form's text values; a field left empty is left out. Throws with the field's name. */
export function settingsFrom(schema: SettingsSchema, values: Record<string, string>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const raw = values[name] ?? '';
    if (raw.trim() === '') continue;
    const kind = kindOf(field);
    if (kind === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${name}: enter a number`);
      settings[name] = n;
    } else if (kind === 'boolean') settings[name] = raw === 'true';
    else if (kind === 'json') {
      try {
        settings[name] = JSON.parse(raw);
      } catch {
        throw new Error(`${name}: enter JSON (${field.type === 'array' ? 'a list, e.g. []' : 'an object, e.g. {}'})`);
      }
    } else if (kind === 'choice') {
      settings[name] = choicesOf(field)?.find((v) => String(v) === raw) ?? raw;
    } else settings[name] = raw;
  }
  return settings;
}

export function SettingsFields(props: {
  schema: SettingsSchema;
  values: Record<string, string>;
  onChange(values: Record<string, string>): void;
}) {
  const [shown] = useState(() => Object.entries(props.schema.properties ?? {}));
  const required = new Set(props.schema.required ?? []);
  const set = (name: string, value: string) => props.onChange({ ...props.values, [name]: value });
  return (
    <>
      {shown.map(([name, field]) => {
        const kind = kindOf(field);
        const id = `setting-${name}`;
        const label = `${field.title ?? name}${required.has(name) ? ' (required)' : ''}`;
        const value = props.values[name] ?? '';
        return (
          <div class="field" key={name}>
            <label for={id}>{label}</label>{' '}
            {kind === 'boolean' || kind === 'choice' ? (
              <select
                id={id}
                aria-describedby={field.description ? `${id}-help` : undefined}
                value={value}
                onChange={(e) => set(name, e.currentTarget.value)}
              >
                <option value="">{field.default === undefined ? '—' : `default (${String(field.default)})`}</option>
                {(kind === 'boolean' ? [true, false] : (choicesOf(field) ?? [])).map((v) => (
                  <option key={String(v)} value={String(v)}>
                    {kind === 'boolean' ? (v ? 'yes' : 'no') : String(v)}
                  </option>
                ))}
              </select>
            ) : kind === 'json' ? (
              <textarea
                id={id}
                aria-describedby={field.description ? `${id}-help` : undefined}
                rows={3}
                value={value}
                onInput={(e) => set(name, e.currentTarget.value)}
              />
            ) : kind === 'secret' ? (
              <input
                id={id}
                aria-describedby={field.description ? `${id}-help` : undefined}
                type="password"
                autocomplete="new-password"
                value={value}
                onInput={(e) => set(name, e.currentTarget.value)}
              />
            ) : kind === 'number' ? (
              <input
                id={id}
                aria-describedby={field.description ? `${id}-help` : undefined}
                type="number"
                value={value}
                placeholder={field.default === undefined ? '' : String(field.default)}
                onInput={(e) => set(name, e.currentTarget.value)}
              />
            ) : (
              <input
                id={id}
                aria-describedby={field.description ? `${id}-help` : undefined}
                type="text"
                autocomplete="off"
                value={value}
                placeholder={field.default === undefined ? '' : String(field.default)}
                onInput={(e) => set(name, e.currentTarget.value)}
              />
            )}
            {field.description && (
              <span id={`${id}-help`} class="muted">
                {' '}
                {field.description}
              </span>
            )}
          </div>
        );
      })}
    </>
  );
}
