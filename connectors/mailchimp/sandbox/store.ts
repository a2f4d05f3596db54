import { subscriberHash } from '../client';
import type { MemberStatus } from '../schemas/member';

/**
 * The sandbox's in-memory audience: members by subscriber hash, plus a list sorted by last_changed that is rebuilt
 * only after a change (so paging 100,000 members costs one sort, and each page a binary search and a slice).
 */

export type MergeValue = string | number | Record<string, unknown>;

export interface SandboxMember {
  id: string;
  email_address: string;
  unique_email_id: string;
  status: MemberStatus;
  merge_fields: Record<string, MergeValue>;
  tags: { id: number; name: string }[];
  language: string;
  /** Mailchimp's own format: 2026-01-01T00:00:00+00:00 */
  last_changed: string;
  timestamp_opt: string;
  unsubscribe_reason?: string;
  list_id: string;
}

export interface SandboxMergeField {
  merge_id: number;
  tag: string;
  name: string;
  type: string;
  required: boolean;
}

/** Mailchimp's time format, whole seconds, +00:00. */
export function mailchimpTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19)}+00:00`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export function looksLikeEmail(value: string): boolean {
  return EMAIL.test(value);
}

export class MemberStore {
  readonly members = new Map<string, SandboxMember>();
  /** Hashes of permanently deleted members: Mailchimp refuses to import them again. */
  readonly erased = new Set<string>();
  readonly mergeFields: SandboxMergeField[];
  private readonly tagIds = new Map<string, number>();
  private sorted: SandboxMember[] | undefined;
  private seq = 0;
  /** Sequence of each member's last change: ties on last_changed (whole seconds) keep change order. */
  private readonly order = new Map<string, number>();

  constructor(
    readonly listId: string,
    mergeTags: (string | { tag: string; name?: string; type?: string })[],
  ) {
    this.mergeFields = mergeTags.map((m, i) => {
      const field = typeof m === 'string' ? { tag: m } : m;
      return {
        merge_id: i + 1,
        tag: field.tag.toUpperCase(),
        name: field.name ?? field.tag,
        type: field.type ?? 'text',
        required: false,
      };
    });
  }

  hasMergeTag(tag: string): boolean {
    return this.mergeFields.some((f) => f.tag === tag);
  }

  tagId(name: string): number {
    let id = this.tagIds.get(name);
    if (id === undefined) this.tagIds.set(name, (id = this.tagIds.size + 1));
    return id;
  }

  get(hashOrEmail: string): SandboxMember | undefined {
    return this.members.get(hashOrEmail.includes('@') ? subscriberHash(hashOrEmail) : hashOrEmail);
  }

  /** Stores a member (new or changed) and marks it as changed at `at` (ms). */
  put(member: SandboxMember, at?: number): SandboxMember {
    if (at !== undefined) member.last_changed = mailchimpTime(at);
    this.members.set(member.id, member);
    this.order.set(member.id, this.seq++);
    this.sorted = undefined;
    return member;
  }

  remove(hash: string): boolean {
    this.order.delete(hash);
    this.sorted = undefined;
    return this.members.delete(hash);
  }

  create(email: string, status: MemberStatus, at: number | string, id = subscriberHash(email)): SandboxMember {
    const time = typeof at === 'string' ? at : mailchimpTime(at);
    return {
      id,
      email_address: email.trim(),
      unique_email_id: id.slice(0, 10),
      status,
      merge_fields: Object.fromEntries(this.mergeFields.map((f) => [f.tag, ''])),
      tags: [],
      language: '',
      last_changed: time,
      timestamp_opt: status === 'subscribed' ? time : '',
      list_id: this.listId,
    };
  }

  /** Adds tag names (sync: replaces the member's tags with them). */
  applyTags(member: SandboxMember, names: string[], sync = false): void {
    if (sync) member.tags = [];
    for (const name of names)
      if (!member.tags.some((t) => t.name === name)) member.tags.push({ id: this.tagId(name), name });
  }

  /** Members sorted by last_changed (then change order), rebuilt lazily after a change. */
  private byLastChanged(): SandboxMember[] {
    if (this.sorted === undefined) {
      const time = new Map<string, number>();
      for (const m of this.members.values()) time.set(m.id, Date.parse(m.last_changed));
      this.sorted = [...this.members.values()].sort(
        (a, b) => time.get(a.id)! - time.get(b.id)! || this.order.get(a.id)! - this.order.get(b.id)!,
      );
    }
    return this.sorted;
  }

  /** One page of the members list, as GET /lists/{id}/members filters and sorts it. */
  page(options: { since?: number; status?: string; offset: number; count: number; desc: boolean }) {
    let list = this.byLastChanged();
    if (options.since !== undefined) {
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (Date.parse(list[mid]!.last_changed) < options.since) lo = mid + 1;
        else hi = mid;
      }
      list = list.slice(lo);
    }
    if (options.status !== undefined) list = list.filter((m) => m.status === options.status);
    if (options.desc) list = [...list].reverse();
    return { total: list.length, members: list.slice(options.offset, options.offset + options.count) };
  }
}
