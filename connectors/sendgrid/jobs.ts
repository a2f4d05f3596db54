import { RetryableError } from '../../core/sdk';
import { sleep, type SendGridClient } from './client';

/**
 * SendGrid's contact writes and exports are asynchronous jobs: the call answers 202 with an id, and a status
 * endpoint says when the job is done. This polls one until `done(status)` says so, every `importPollMs`.
 */

/** Give up waiting after this long; the job keeps running at SendGrid, and retrying the batch is idempotent. */
export const MAX_JOB_WAIT_MS = 15 * 60 * 1000;

export async function pollJob<T>(
  client: SendGridClient,
  path: string,
  done: (status: T) => boolean,
  what: string,
  maxWaitMs = MAX_JOB_WAIT_MS,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const status = await client.request<T>('GET', path);
    if (done(status)) return status;
    if (Date.now() - started > maxWaitMs) {
      throw new RetryableError(`SendGrid ${what} (${path}) did not finish within ${Math.round(maxWaitMs / 1000)} s`);
    }
    await sleep(client.pollMs, client.signal);
  }
}

/** SendGrid's import/delete job status (ContactImport in the spec). */
export interface ContactJob {
  id?: string;
  status?: 'pending' | 'completed' | 'errored' | 'failed' | string;
  job_type?: string;
  results?: {
    requested_count?: number;
    created_count?: number;
    updated_count?: number;
    deleted_count?: number;
    errored_count?: number;
    errors_url?: string;
  };
}

export const contactJobDone = (job: ContactJob): boolean =>
  job.status === 'completed' || job.status === 'errored' || job.status === 'failed';
