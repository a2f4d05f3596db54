// Generated from the hub's OpenAPI document by web/scripts/gen-api-types.mts (npm run gen:web-types).
// Do not edit: a test fails when this file is stale.
export interface paths {
  '/api/v1/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The OpenAPI 3.1 document of this API
     * @description Public: no token needed.
     */
    get: operations['getOpenApi'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/reference': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The API reference, as a page for people (rendered from the OpenAPI document)
     * @description Public: no token needed.
     */
    get: operations['getReference'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The token this request is made with, and what its role may do
     * @description Permission `session:read` (See the token the request is made with); roles: admin, engineer, marketer, viewer.
     */
    get: operations['getSession'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connectors': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the installed connectors (built-in and plugins)
     * @description Permission `connectors:read` (List connectors and read their settings schemas); roles: admin, engineer, marketer, viewer.
     */
    get: operations['listConnectors'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connectors/{connectorId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Show a connector: its settings schema (secret fields marked), streams, actions, webhooks and policy
     * @description Permission `connectors:read` (List connectors and read their settings schemas); roles: admin, engineer, marketer, viewer.
     */
    get: operations['getConnector'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connections': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List connections (secrets redacted)
     * @description Permission `connections:read` (List and show connections (secrets are never shown)); roles: admin, engineer, marketer, viewer.
     */
    get: operations['listConnections'];
    put?: never;
    /**
     * Create a connection; settings are checked against the connector's settings schema
     * @description Permission `connections:write` (Create, update, delete and check connections); roles: admin, engineer.
     */
    post: operations['createConnection'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connections/{connectionId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Show a connection (secrets redacted)
     * @description Permission `connections:read` (List and show connections (secrets are never shown)); roles: admin, engineer, marketer, viewer.
     */
    get: operations['getConnection'];
    put?: never;
    post?: never;
    /**
     * Delete a connection (refused with 409 while a flow uses it)
     * @description Permission `connections:write` (Create, update, delete and check connections); roles: admin, engineer.
     */
    delete: operations['deleteConnection'];
    options?: never;
    head?: never;
    /**
     * Rename a connection or change its settings: merged over the stored ones (JSON merge patch: null removes a setting); a secret not given or sent back as "[secret]" is kept, unless an endpoint setting changes: then it is cleared
     * @description Permission `connections:write` (Create, update, delete and check connections); roles: admin, engineer.
     */
    patch: operations['updateConnection'];
    trace?: never;
  };
  '/api/v1/connections/{connectionId}/check': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Check that a connection works (credentials, reachability) and record the outcome
     * @description Permission `connections:write` (Create, update, delete and check connections); roles: admin, engineer.
     */
    post: operations['checkConnection'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connections/{connectionId}/webhook-rejections': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Signed webhook deliveries the hub refused (a body that does not parse), newest first
     * @description Permission `connections:read` (List and show connections (secrets are never shown)); roles: admin, engineer, marketer, viewer.
     */
    get: operations['listWebhookRejections'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connections/{connectionId}/streams/{stream}/sample': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read the first records of a connection's stream (one page; nothing is recorded)
     * @description For the mapping workbench: reads the first page of the stream from the start, as a first run would, and answers up to `limit` (at most 20) of its records. Writes nothing, moves no checkpoint. Settings the connector refuses are a 422; a vendor's refusal a 502 (503 when rate limited); each detail says what to do.
     *
     *     Permission `mappings:preview` (Evaluate a mapping against sample records); roles: admin, engineer.
     */
    get: operations['sampleStream'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/mappings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List mappings: the current version of each (stored, or from the mappings folder)
     * @description Permission `mappings:read` (List and show mappings); roles: admin, engineer, viewer.
     */
    get: operations['listMappings'];
    put?: never;
    /**
     * Create a mapping: compiled and checked against its fixtures before it is saved
     * @description The expression is compiled (a syntax error names `/body/expression` with line and column) and every fixture is run against it; a failing fixture is a 422 naming `/body/fixtures/<n>` with the differences. Fixtures run in a worker thread within the engine guardrails and a 3 s CPU budget for the request, so a runaway fixture fails with a `guardrail.*` reason naming the limit. Nothing is saved unless all pass.
     *
     *     Permission `mappings:write` (Save mapping versions (compiled and checked against their fixtures first)); roles: admin, engineer.
     */
    post: operations['createMapping'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/mappings/{mappingId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Show a mapping (the current version, or ?version=): expression, schemas, fixtures and versions
     * @description Permission `mappings:read` (List and show mappings); roles: admin, engineer, viewer.
     */
    get: operations['getMapping'];
    /**
     * Save a new version of a mapping (it becomes current), after compile and fixture checks
     * @description A version is immutable: saving the same content again changes nothing, other content under an existing version is a 409. A mapping from the mappings folder can be given a stored version, which then overrides it.
     *
     *     Permission `mappings:write` (Save mapping versions (compiled and checked against their fixtures first)); roles: admin, engineer.
     */
    put: operations['saveMappingVersion'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/mappings/{mappingId}/preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Evaluate a mapping against sample records (nothing is saved or written)
     * @description Records are evaluated one after another in a worker thread with its own memory limit, each within the engine guardrails (CPU time, string length, sequence length, output size). The whole request has a CPU budget (3 s): records after it is spent fail with `guardrail.budget`. A runaway record fails with a `guardrail.*` error naming the limit; the others are unaffected.
     *
     *     Permission `mappings:preview` (Evaluate a mapping against sample records); roles: admin, engineer.
     */
    post: operations['previewMapping'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flows': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List flows
     * @description Permission `flows:read` (List and show flows); roles: admin, engineer, marketer, viewer.
     */
    get: operations['listFlows'];
    put?: never;
    /**
     * Create a flow (disabled) from a definition; connections, stream, action and mapping are checked
     * @description Permission `flows:write` (Create, update and delete flows); roles: admin, engineer.
     */
    post: operations['createFlow'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flows/{flowId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Show a flow with its status: recent runs, totals, pending dead letters, next scheduled run
     * @description Permission `flows:read` (List and show flows); roles: admin, engineer, marketer, viewer.
     */
    get: operations['getFlow'];
    /**
     * Replace a flow's definition (it may rename the flow)
     * @description Permission `flows:write` (Create, update and delete flows); roles: admin, engineer.
     */
    put: operations['updateFlow'];
    post?: never;
    /**
     * Delete a flow with its runs, checkpoints and dead letters
     * @description Record links are kept while another flow of its link group (the other half of a sync pair) uses them, and deleted otherwise. Refused with 409 while a run is queued or running unless `force=true`. Connections are untouched.
     *
     *     Permission `flows:write` (Create, update and delete flows); roles: admin, engineer.
     */
    delete: operations['deleteFlow'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flows/{flowId}/reset': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Discard the checkpoint so the next run reads everything again (or what changed since `from`)
     * @description Record links keep the rerun write-free: records already delivered and unchanged are not written again. Refused with 409 while a run is queued or running. Audited.
     *
     *     Permission `flows:operate` (Enable and disable flows, start runs and dry runs); roles: admin, engineer, marketer.
     */
    post: operations['resetFlow'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flows/{flowId}/enable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enable a flow (its definition is checked again first); says when it runs and when it first runs
     * @description Permission `flows:operate` (Enable and disable flows, start runs and dry runs); roles: admin, engineer, marketer.
     */
    post: operations['enableFlow'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flows/{flowId}/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Disable a flow (schedules and webhooks stop starting runs)
     * @description Permission `flows:operate` (Enable and disable flows, start runs and dry runs); roles: admin, engineer, marketer.
     */
    post: operations['disableFlow'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flows/{flowId}/run': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run a flow now (queued; a flow already queued or running keeps its run)
     * @description Permission `flows:operate` (Enable and disable flows, start runs and dry runs); roles: admin, engineer, marketer.
     */
    post: operations['runFlow'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/flows/{flowId}/dry-run': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Read a few records and show what would be written; writes nothing, saves no checkpoint
     * @description Permission `flows:operate` (Enable and disable flows, start runs and dry runs); roles: admin, engineer, marketer.
     */
    post: operations['dryRunFlow'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/templates': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the templates (prebuilt flows and sync pairs) with the connections each needs
     * @description Permission `templates:read` (List and show templates); roles: admin, engineer, marketer, viewer.
     */
    get: operations['listTemplates'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/templates/{templateId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Show a template
     * @description Permission `templates:read` (List and show templates); roles: admin, engineer, marketer, viewer.
     */
    get: operations['getTemplate'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/templates/{templateId}/enable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enable a template: creates and enables its flows with the chosen connections (a sync pair's two flows)
     * @description Permission `templates:enable` (Enable a template with chosen connections); roles: admin, engineer, marketer.
     */
    post: operations['enableTemplate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/runs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List runs, newest first
     * @description Permission `runs:read` (List and show runs with their per-record failures); roles: admin, engineer, marketer, viewer.
     */
    get: operations['listRuns'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/runs/{runId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Show a run: status, counts, timings and the records that failed
     * @description Permission `runs:read` (List and show runs with their per-record failures); roles: admin, engineer, marketer, viewer.
     */
    get: operations['getRun'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/dead-letters': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List dead letters (records a flow could not deliver, with the reason), newest first
     * @description Permission `deadLetters:read` (List and show dead letters); roles: admin, engineer, marketer, viewer.
     */
    get: operations['listDeadLetters'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/dead-letters/{deadLetterId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Show a dead letter with the source record and the refused payload
     * @description Permission `deadLetters:read` (List and show dead letters); roles: admin, engineer, marketer, viewer.
     */
    get: operations['getDeadLetter'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/dead-letters/replay': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Replay dead letters (by ids, or every pending one of a flow) through the current mapping
     * @description Permission `deadLetters:replay` (Replay dead letters through the current mapping); roles: admin, engineer, marketer.
     */
    post: operations['replayDeadLetters'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/dead-letters/discard': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Set dead letters aside for good (by ids, or every pending one of a flow), with a note; audited
     * @description The entries stay in the ledger with status `discarded`; each gets an audit entry (`deadLetter.discard`) with the note.
     *
     *     Permission `deadLetters:discard` (Set dead letters aside for good, with a note (audited)); roles: admin, engineer.
     */
    post: operations['discardDeadLetters'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/runs/{runId}/records': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the records a run created, updated, held back or failed, named by e-mail or name
     * @description Unchanged records are not listed. Each outcome lists its first 10,000 records of the run; `totals` counts all of them. Ordered by outcome, then as recorded.
     *
     *     Permission `runs:read` (List and show runs with their per-record failures); roles: admin, engineer, marketer, viewer.
     */
    get: operations['listRunRecords'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/ad-metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Spend, clicks, conversions and ROAS per ad connection over the last days (read live from the vendor)
     * @description Reads each ad connection's spend stream (google: campaignMetrics, meta: insights) through its connector for the last `days` days (at most 90; at most 50 pages each) and sums it per connection and per day, and, for google connections with a userListId, the Customer Match list's match rate (audienceStatus). Nothing is recorded. A connection whose read fails has its `error` (what to do) and null figures; the answer is still 200. Figures a stream does not report are null and listed in `notReported`.
     *
     *     Permission `runs:read` (List and show runs with their per-record failures); roles: admin, engineer, marketer, viewer.
     */
    get: operations['getAdMetrics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/review-items': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List records waiting for manual review (non-idempotent writes interrupted by a crash), oldest first
     * @description Permission `runs:read` (List and show runs with their per-record failures); roles: admin, engineer, marketer, viewer.
     */
    get: operations['listReviewItems'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/review-items/{reviewItemId}/done': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * The write was applied: resolve the item; the record is not sent again (until it changes)
     * @description With `targetId` (the record found in the target system, for an item that is `linkable`), the record is linked to it as a confirmed write would have linked it; later runs see it as written.
     *
     *     Permission `deadLetters:replay` (Replay dead letters through the current mapping); roles: admin, engineer, marketer.
     */
    post: operations['resolveReviewItemDone'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/review-items/{reviewItemId}/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * The write was not applied: send the record again now (through the dead-letter ledger)
     * @description Permission `deadLetters:replay` (Replay dead letters through the current mapping); roles: admin, engineer, marketer.
     */
    post: operations['resolveReviewItemRetry'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read the audit log, newest first: who changed what, with before/after (secrets redacted)
     * @description Permission `audit:read` (Read the audit log); roles: admin.
     */
    get: operations['listAuditEntries'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List API tokens (never the tokens themselves)
     * @description Permission `tokens:manage` (Create, list and revoke API tokens); roles: admin.
     */
    get: operations['listTokens'];
    put?: never;
    /**
     * Create an API token; the token is in this response only and cannot be shown again
     * @description Permission `tokens:manage` (Create, list and revoke API tokens); roles: admin.
     */
    post: operations['createToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/tokens/{tokenId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Revoke an API token (by id, or by name when one active token has it)
     * @description Permission `tokens:manage` (Create, list and revoke API tokens); roles: admin.
     */
    delete: operations['revokeToken'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /** Problem */
    Problem: {
      /** @description URI of the problem type */
      type: string;
      title: string;
      status: number;
      detail?: string;
      /** @description The fields at fault */
      errors?: ({
        /** @description JSON pointer into the request: /body/…, /query/…, /params/… */
        field: string;
        message: string;
      } & {
        [key: string]: unknown;
      })[];
    } & {
      [key: string]: unknown;
    };
    /** ConnectorSummary */
    ConnectorSummary: {
      id: string;
      displayName: string;
      version: string;
      category: string;
      description?: string;
      /** @description "builtin" or the plugin package name */
      source: string;
      /** @description Names of the readable entities */
      streams: string[];
      /** @description Names of the write operations */
      actions: string[];
    };
    /** Connector */
    Connector: {
      id: string;
      displayName: string;
      version: string;
      category: 'crm' | 'erp' | 'ads' | 'email' | 'other';
      description?: string;
      /** @description JSON Schema of the connection settings; secret properties carry "x-secret": true */
      settingsSchema: {
        [key: string]: unknown;
      };
      policy: {
        rateBudget: {
          /** @description Requests allowed per interval, across all workers */
          requests: number;
          /** @description Length of the interval in milliseconds */
          intervalMs: number;
        };
        /** @description Requests in flight at once per connection */
        concurrency: number;
        /** @description Per-endpoint limits beside the main budget, by lane name */
        lanes?: {
          [key: string]: {
            /** @description Requests allowed per interval on this lane */
            requests: number;
            /** @description Length of the interval in milliseconds */
            intervalMs: number;
            /** @description Requests in flight at once on this lane (default: unbounded) */
            concurrency?: number;
          };
        };
        /** @description Largest batch each action accepts, by action name: the older place; declare `maxBatchSize` on the action instead */
        maxBatchSize?: {
          [key: string]: number;
        };
        /** @description HTTP statuses that are worth retrying (429 is always treated as rate limited) */
        retryStatuses: number[];
        /** @description Where to read the wait from a response, first match wins */
        retryAfter: {
          /** @description Response header that carries the wait, e.g. retry-after */
          header: string;
          /** @description How the header value is written */
          unit: 'seconds' | 'milliseconds' | 'http-date' | 'epoch-seconds';
        }[];
        /** @description Timeout of one outbound request */
        timeoutMs?: number;
      };
      streams: {
        name: string;
        title?: string;
        description?: string;
        /** @description JSON Schema of one record */
        recordSchema: {
          [key: string]: unknown;
        };
        /** @description Field(s) that identify a record */
        identity: string[];
        /** @description Field with the source modification time */
        modifiedField?: string;
      }[];
      actions: {
        name: string;
        title?: string;
        description?: string;
        /** @description JSON Schema of one input record */
        recordSchema: {
          [key: string]: unknown;
        };
        /** @description upsert, delete (ordinary, e.g. archive: the only delete mirror mode uses), erase (GDPR: permanent and irreversible; never used by mirror mode), append */
        mode: 'upsert' | 'delete' | 'erase' | 'append';
        identity?: string[];
        /** @description Largest number of records the action accepts in one call */
        maxBatchSize?: number;
        /** @description false: sending a record twice has two effects (an order created without a vendor-side key); after a crash mid-write such records go to manual review instead of being sent again. Default true */
        idempotent?: boolean;
        /** @description true: the action replaces the target's whole set (an audience) with what a run sends: every run reads the whole source and sends every record as one session; members the source no longer has leave the set. Default false */
        replace?: boolean;
      }[];
      webhooks: {
        name: string;
        description?: string;
        /** @description Stream whose records the events carry */
        stream?: string;
      }[];
      source: string;
      sdkVersion?: string;
    };
    /** Connection */
    Connection: {
      /** @description Connection id (con_…) */
      id: string;
      name: string;
      connectorId: string;
      /** @description The settings; secret fields are shown as "[secret]", never in clear */
      settings: {
        [key: string]: unknown;
      };
      status: 'untested' | 'ok' | 'error';
      /** @description Last check (epoch ms) */
      lastCheckedAt?: number;
      lastCheckError?: string;
      /** @description Created (epoch ms) */
      createdAt: number;
      /** @description Last changed (epoch ms) */
      updatedAt: number;
      /** @description After an update: secret fields whose stored value was cleared because an endpoint setting (base URL, region, data centre) changed */
      secretsCleared?: string[];
      /** @description After an update: what happened to the secrets, in words */
      notice?: string;
      /** @description True for a connection to a local sandbox of the sandbox workspace (not the vendor) */
      sandbox?: boolean;
    };
    /** NewConnection */
    NewConnection: {
      /** @description A name people recognise the connection by (unique) */
      name: string;
      connectorId: string;
      /** @description Settings as the connector's settings schema describes them; secret fields are encrypted at rest */
      settings: {
        [key: string]: unknown;
      };
    };
    /** ConnectionPatch */
    ConnectionPatch: {
      /** @description A name people recognise the connection by (unique) */
      name?: string;
      /** @description Replaces the settings; a secret sent back as "[secret]" keeps its stored value */
      settings?: {
        [key: string]: unknown;
      };
    };
    /** ConnectionCheck */
    ConnectionCheck: {
      ok: boolean;
      message: string;
      connection: components['schemas']['Connection'];
    };
    /** WebhookRejection */
    WebhookRejection: {
      /** @description Rejected delivery id (whr_…) */
      id: string;
      /** @description Connection id (con_…) */
      connectionId: string;
      /** @description Name of the connector's webhook definition */
      webhook: string;
      /** @description Why the signed delivery was refused (answered 400 to the vendor) */
      reason: string;
      contentType?: string;
      /** @description Size of the body (the body itself is not kept) */
      bodyBytes: number;
      /** @description SHA-256 of the body, hex: find the delivery in the vendor's log */
      bodySha256: string;
      /** @description Received (epoch ms) */
      receivedAt: number;
    };
    /** MappingFixture */
    MappingFixture: {
      name?: string;
      /** @description A source record */
      input: unknown;
      /** @description The exact output, or { "error": { "code"?, "field"?, "message"? } } for a record that must fail */
      expected: unknown;
    };
    /** MappingSummary */
    MappingSummary: {
      /** @description The mapping id flows refer to (mapping.id) */
      id: string;
      version?: string;
      description?: string;
      origin: 'store' | 'folder';
      /** @description Stored version id (map_…) */
      versionId?: string;
      /** @description Version saved (epoch ms) */
      createdAt?: number;
    };
    /** Mapping */
    Mapping: {
      /** @description The mapping id flows refer to (mapping.id) */
      id: string;
      version?: string;
      description?: string;
      origin: 'store' | 'folder';
      /** @description Stored version id (map_…) */
      versionId?: string;
      /** @description Version saved (epoch ms) */
      createdAt?: number;
      expression: string;
      /** @description A JSON Schema document */
      sourceSchema?: {
        [key: string]: unknown;
      };
      /** @description A JSON Schema document */
      targetSchema?: {
        [key: string]: unknown;
      };
      fixtures?: components['schemas']['MappingFixture'][];
      /** @description Stored versions, newest first */
      versions: {
        version: string;
        versionId: string;
        /** @description Saved (epoch ms) */
        createdAt: number;
      }[];
    };
    /** NewMapping */
    NewMapping: {
      name: string;
      version: string;
      description?: string;
      /** @description JSONata expression */
      expression: string;
      /** @description A JSON Schema document */
      sourceSchema?: {
        [key: string]: unknown;
      };
      /** @description A JSON Schema document */
      targetSchema?: {
        [key: string]: unknown;
      };
      /** @description Checked against the expression before the version is saved */
      fixtures: components['schemas']['MappingFixture'][];
    };
    /** MappingVersionInput */
    MappingVersionInput: {
      version: string;
      description?: string;
      /** @description JSONata expression */
      expression: string;
      /** @description A JSON Schema document */
      sourceSchema?: {
        [key: string]: unknown;
      };
      /** @description A JSON Schema document */
      targetSchema?: {
        [key: string]: unknown;
      };
      /** @description Checked against the expression before the version is saved */
      fixtures: components['schemas']['MappingFixture'][];
    };
    /** MapResult */
    MapResult:
      | {
          /** @constant */
          ok: true;
          value: unknown;
        }
      | {
          /** @constant */
          ok: false;
          error: components['schemas']['MappingError'];
        };
    FlowDefinition: {
      name: string;
      title?: string;
      description?: string;
      source: {
        /** @description Connection name or id */
        connection: string;
        stream: string;
      };
      mapping: {
        /** @description Mapping id (a folder in mappings/ or a stored mapping) */
        id: string;
        version?: string;
      };
      target: {
        /** @description Connection name or id */
        connection: string;
        action: string;
      };
      trigger:
        | {
            /** @constant */
            type: 'manual';
          }
        | {
            /** @constant */
            type: 'schedule';
            /** @description Cron expression, e.g. "*\/15 * * * *" */
            cron: string;
            /** @description IANA time zone of the cron expression (default UTC) */
            timezone?: string;
          }
        | {
            /** @constant */
            type: 'webhook';
          };
      /** @description upsert: create or update; mirror: upsert and delete what the source no longer has; append: events */
      mode: 'upsert' | 'mirror' | 'append';
      identity?: {
        /** @description Source record field(s) that identify the record (dot paths); default: the stream identity */
        source: string[];
        /** @description Field of the mapped record that finds the target record (e.g. email) */
        target?: string;
        /**
         * @description email: the identity is the normalised e-mail (trimmed, lowercased), so "Ann@X.com " and "ann@x.com" are one record; a value that is not a usable e-mail is set aside as a dead letter
         * @constant
         */
        normalize?: 'email';
      };
      linkGroup?: string;
      sync?: {
        linkGroup: string;
        conflict:
          | {
              /** @constant */
              policy: 'last-writer-wins';
            }
          | {
              /** @constant */
              policy: 'field-ownership';
              /** @description Fields of the mapped record this flow may write (the source side owns them) */
              owns: string[];
            };
      };
      options?: {
        /** @description Records per write; capped by the action maximum */
        batchSize?: number;
        /** @description Write batches in flight */
        concurrency?: number;
        /** @description Attempts for retryable failures */
        maxAttempts?: number;
        /** @description Re-read window for sources with coarse cursors */
        lookbackMs?: number;
        /** @description Write only records a flow of the same link group already wrote to the target (removals of what the hub added); the others are held with the reason and never sent */
        onlyWritten?: boolean;
      };
    };
    /** Flow */
    Flow: {
      /** @description Flow id (flw_…) */
      id: string;
      name: string;
      definition: components['schemas']['FlowDefinition'];
      enabled: boolean;
      linkGroup?: string;
      template?: string;
      sourceConnectionId?: string;
      targetConnectionId?: string;
      /** @description Created (epoch ms) */
      createdAt: number;
      /** @description Last changed (epoch ms) */
      updatedAt: number;
    };
    /** FlowDetail */
    FlowDetail: {
      /** @description Flow id (flw_…) */
      id: string;
      name: string;
      definition: components['schemas']['FlowDefinition'];
      enabled: boolean;
      linkGroup?: string;
      template?: string;
      sourceConnectionId?: string;
      targetConnectionId?: string;
      /** @description Created (epoch ms) */
      createdAt: number;
      /** @description Last changed (epoch ms) */
      updatedAt: number;
      status: {
        /** @description The last runs, newest first */
        recentRuns: components['schemas']['Run'][];
        totals: components['schemas']['RunCounts'];
        byStatus: {
          [key: string]: number;
        };
        pendingDeadLetters: number;
        /** @description Next scheduled run (epoch ms) */
        nextRunAt?: number;
      };
    };
    /** Template */
    Template: {
      /** @description The template name */
      id: string;
      name: string;
      title: string;
      /** @description What the template does, in plain language for marketers */
      description: string;
      /** @description The connections the template needs, by role */
      roles: {
        [key: string]: {
          /** @description Connector id the role needs */
          connector: string;
          /** @description What this connection is for, in plain language */
          description: string;
        };
      };
      /** @description Flow definitions; connection fields are "{{role}}" placeholders */
      flows: components['schemas']['FlowDefinition'][];
      /** @description Link group every flow of the template shares (not a sync pair: e.g. the additions and removals of one audience) */
      linkGroup?: string;
      syncPair?: {
        /** @description Link group the two flows share */
        linkGroup: string;
        /** @description Conflict policy of each flow, by flow name */
        conflict: {
          [key: string]:
            | {
                /** @constant */
                policy: 'last-writer-wins';
              }
            | {
                /** @constant */
                policy: 'field-ownership';
                /** @description Fields of the mapped record this flow may write (the source side owns them) */
                owns: string[];
              };
        };
      };
    };
    /** Run */
    Run: {
      /** @description Run id (run_…) */
      id: string;
      flowId: string;
      status: 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';
      trigger: 'schedule' | 'webhook' | 'manual' | 'replay';
      counts: components['schemas']['RunCounts'];
      error?: {
        kind: 'retryable' | 'rate_limited' | 'permanent' | 'auth' | 'config';
        message: string;
        /** @description Path of the field at fault, when known */
        field?: string;
        retryAfterMs?: number;
        /** @description HTTP status of the vendor response, when there was one */
        status?: number;
      };
      /** @description Queued (epoch ms) */
      createdAt: number;
      /** @description Started (epoch ms) */
      startedAt?: number;
      /** @description Finished (epoch ms) */
      finishedAt?: number;
    };
    /** RunCounts */
    RunCounts: {
      read: number;
      unchanged: number;
      created: number;
      updated: number;
      deleted: number;
      failed: number;
      deadLettered: number;
      /** @description Records held back on purpose (no consent, skipped by the mapping, an erased identifier), with the reason in GET /runs/{runId}/records?outcome=held. They are counted among `unchanged` too. */
      held?: number;
      /** @description Writes the connector could not confirm, sent to manual review (GET /review-items) instead of the dead-letter ledger; the reason in GET /runs/{runId}/records?outcome=review. Neither written nor failed. */
      review?: number;
    };
    /** RunDetail */
    RunDetail: {
      /** @description Run id (run_…) */
      id: string;
      flowId: string;
      status: 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';
      trigger: 'schedule' | 'webhook' | 'manual' | 'replay';
      counts: components['schemas']['RunCounts'];
      error?: {
        kind: 'retryable' | 'rate_limited' | 'permanent' | 'auth' | 'config';
        message: string;
        /** @description Path of the field at fault, when known */
        field?: string;
        retryAfterMs?: number;
        /** @description HTTP status of the vendor response, when there was one */
        status?: number;
      };
      /** @description Queued (epoch ms) */
      createdAt: number;
      /** @description Started (epoch ms) */
      startedAt?: number;
      /** @description Finished (epoch ms) */
      finishedAt?: number;
      flowName?: string;
      failures: components['schemas']['RunFailure'][];
      /** @description True when the run has more failures than shown */
      moreFailures: boolean;
    };
    /** RunFailure */
    RunFailure: {
      id: string;
      runId: string;
      recordKey: string;
      reason: string;
      failureKind: string;
      field?: string;
      /** @description Recorded (epoch ms) */
      createdAt: number;
    };
    /** StartedRun */
    StartedRun: {
      runId: string;
      /** @description False when the flow already had a queued run */
      created: boolean;
    };
    /** DryRunReport */
    DryRunReport: {
      flowId: string;
      read: number;
      truncated: boolean;
      /** @description What the records alone do not say about the run: a target replaced as a whole on every run, a run that would send nothing */
      notes?: string[];
      records: {
        sourceKey: string;
        decision: string;
        payload?: {
          [key: string]: unknown;
        };
        reason?: string;
      }[];
    };
    /** DeadLetter */
    DeadLetter: {
      /** @description Dead letter id (dlq_…) */
      id: string;
      flowId: string;
      runId?: string;
      recordKey: string;
      reason: string;
      failureKind: string;
      field?: string;
      /** @description The record as read */
      source?: unknown;
      /** @description The mapped payload that was refused */
      payload?: unknown;
      mappingVersion?: string;
      status: 'pending' | 'replayed' | 'discarded';
      /** @description Recorded (epoch ms) */
      createdAt: number;
      /** @description Times the record failed while this entry was open (one entry per record) */
      attempts?: number;
      /** @description Last failed (epoch ms) */
      lastSeenAt?: number;
      /** @description Replayed, or delivered by a later run (epoch ms) */
      replayedAt?: number;
      /** @description Discarded (epoch ms) */
      discardedAt?: number;
    };
    /** ReplayReport */
    ReplayReport: {
      replayed: number;
      written: number;
      stillFailing: string[];
      runId?: string;
      error?: {
        kind: 'retryable' | 'rate_limited' | 'permanent' | 'auth' | 'config';
        message: string;
        /** @description Path of the field at fault, when known */
        field?: string;
        retryAfterMs?: number;
        /** @description HTTP status of the vendor response, when there was one */
        status?: number;
      };
    };
    /** AuditEntry */
    AuditEntry: {
      /** @description Audit entry id (aud_…) */
      id: string;
      /** @description An API token id, "cli" or "system" */
      actor: string;
      /** @description The name of the token, when the actor is one */
      actorName?: string;
      /** @description e.g. connection.create, flow.enable */
      action: string;
      entity: string;
      entityId?: string;
      before?: unknown;
      after?: unknown;
      /** @description When (epoch ms) */
      at: number;
    };
    /** ApiToken */
    ApiToken: {
      /** @description Token id (tok_…) */
      id: string;
      name: string;
      role: 'admin' | 'engineer' | 'marketer' | 'viewer';
      /** @description Created (epoch ms) */
      createdAt: number;
      /** @description Last used (epoch ms) */
      lastUsedAt?: number;
      /** @description Revoked (epoch ms) */
      revokedAt?: number;
    };
    /** CreatedToken */
    CreatedToken: {
      /** @description The token itself: shown this once, never again */
      token: string;
      record: components['schemas']['ApiToken'];
    };
    /** Session */
    Session: {
      /** @description Token id (tok_…) */
      id: string;
      name: string;
      role: 'admin' | 'engineer' | 'marketer' | 'viewer';
      /** @description Created (epoch ms) */
      createdAt: number;
      /** @description Last used (epoch ms) */
      lastUsedAt?: number;
      /** @description Revoked (epoch ms) */
      revokedAt?: number;
      permissions: string[];
    };
    ErrorInfo: {
      kind: 'retryable' | 'rate_limited' | 'permanent' | 'auth' | 'config';
      message: string;
      /** @description Path of the field at fault, when known */
      field?: string;
      retryAfterMs?: number;
      /** @description HTTP status of the vendor response, when there was one */
      status?: number;
    };
    MappingError: {
      code: string;
      message: string;
      jsonataCode?: string;
      line?: number;
      column?: number;
      token?: string;
      /** @description JSON pointer of the offending field, e.g. /email */
      field?: string;
      details?: {
        field: string;
        message: string;
      }[];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  getOpenApi: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The document */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            [key: string]: unknown;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getReference: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An HTML page */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/html': string;
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getSession: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The token (never the secret) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Session'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listConnectors: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
        /** @description Only connectors of this category */
        category?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of connectors, by id */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['ConnectorSummary'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getConnector: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Connector id, e.g. file */
        connectorId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The connector */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Connector'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listConnections: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
        /** @description Only connections of this connector */
        connectorId?: string;
        status?: 'untested' | 'ok' | 'error';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of connections, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Connection'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createConnection: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['NewConnection'];
      };
    };
    responses: {
      /** @description The connection (secrets redacted) */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Connection'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getConnection: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Connection id (con_…) or name */
        connectionId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The connection */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Connection id (con_…) */
            id: string;
            name: string;
            connectorId: string;
            /** @description The settings; secret fields are shown as "[secret]", never in clear */
            settings: {
              [key: string]: unknown;
            };
            status: 'untested' | 'ok' | 'error';
            /** @description Last check (epoch ms) */
            lastCheckedAt?: number;
            lastCheckError?: string;
            /** @description Created (epoch ms) */
            createdAt: number;
            /** @description Last changed (epoch ms) */
            updatedAt: number;
            /** @description After an update: secret fields whose stored value was cleared because an endpoint setting (base URL, region, data centre) changed */
            secretsCleared?: string[];
            /** @description After an update: what happened to the secrets, in words */
            notice?: string;
            /** @description True for a connection to a local sandbox of the sandbox workspace (not the vendor) */
            sandbox?: boolean;
            /** @description Each secret field of the connector, by dot path: set or unset */
            secrets: {
              [key: string]: 'set' | 'unset';
            };
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  deleteConnection: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Connection id (con_…) or name */
        connectionId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateConnection: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Connection id (con_…) or name */
        connectionId: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['ConnectionPatch'];
      };
    };
    responses: {
      /** @description The connection after the change */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Connection'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  checkConnection: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Connection id (con_…) or name */
        connectionId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The outcome; ok is false when the connector refused */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConnectionCheck'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listWebhookRejections: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
      };
      header?: never;
      path: {
        /** @description Connection id (con_…) or name */
        connectionId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of refused deliveries */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['WebhookRejection'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  sampleStream: {
    parameters: {
      query?: {
        /** @description How many records (at most 20) */
        limit?: number;
      };
      header?: never;
      path: {
        /** @description Connection id (con_…) or name */
        connectionId: string;
        /** @description The stream's name (GET /connectors/{id}) */
        stream: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The first records of the stream */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            connectionId: string;
            connectionName: string;
            stream: string;
            /** @description The first records of the first page, as the stream reads them */
            records: unknown[];
            /** @description The first page held more records than were asked for */
            more: boolean;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The connector (vendor) refused or failed */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The vendor asked to wait; see Retry-After */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listMappings: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
        origin?: 'store' | 'folder';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of mappings, by id */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['MappingSummary'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createMapping: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['NewMapping'];
      };
    };
    responses: {
      /** @description The saved mapping */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Mapping'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getMapping: {
    parameters: {
      query?: {
        /** @description A stored version */
        version?: string;
      };
      header?: never;
      path: {
        /** @description Mapping id, as flows refer to it (mapping.id) */
        mappingId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The mapping */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Mapping'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  saveMappingVersion: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Mapping id, as flows refer to it (mapping.id) */
        mappingId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['MappingVersionInput'];
      };
    };
    responses: {
      /** @description The mapping at the saved version */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Mapping'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  previewMapping: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Mapping id, as flows refer to it (mapping.id) */
        mappingId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description Sample source records */
          records: unknown[];
          version?: string;
          /** @description Evaluate this unsaved expression instead of a stored version (the mapping workbench); the schemas default to the current version. A syntax error is every record's result, with line and column. */
          draft?: {
            /** @description JSONata expression */
            expression: string;
            /** @description A JSON Schema document */
            sourceSchema?: {
              [key: string]: unknown;
            };
            /** @description A JSON Schema document */
            targetSchema?: {
              [key: string]: unknown;
            };
          };
          /** @description Fixtures to run too (with a draft): each answered with pass/fail and the differences */
          fixtures?: components['schemas']['MappingFixture'][];
        };
      };
    };
    responses: {
      /** @description One result per record: the mapped value, or the error naming the field */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            results: components['schemas']['MapResult'][];
            fixtures?: {
              name?: string;
              pass: boolean;
              result: components['schemas']['MapResult'];
              diffs: {
                path: string;
                kind: 'missing' | 'unexpected' | 'changed';
                expected?: unknown;
                actual?: unknown;
              }[];
            }[];
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listFlows: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
        enabled?: boolean;
        /** @description Only flows reading from or writing to this connection */
        connectionId?: string;
        /** @description Only the flows of this sync pair */
        linkGroup?: string;
        /** @description Only flows enabled from this template */
        template?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of flows, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Flow'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createFlow: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['FlowDefinition'];
      };
    };
    responses: {
      /** @description The flow */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Flow'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getFlow: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Flow id (flw_…) or name */
        flowId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The flow */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['FlowDetail'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  updateFlow: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Flow id (flw_…) or name */
        flowId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['FlowDefinition'];
      };
    };
    responses: {
      /** @description The flow after the change */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Flow'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  deleteFlow: {
    parameters: {
      query?: {
        /** @description Delete even while a run is in progress (abandoned) */
        force?: boolean;
      };
      header?: never;
      path: {
        /** @description Flow id (flw_…) or name */
        flowId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  resetFlow: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Flow id (flw_…) or name */
        flowId: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          /** @description Read what changed since this time (ISO 8601, e.g. 2026-01-31T00:00:00Z) instead of everything */
          from?: string;
        };
      };
    };
    responses: {
      /** @description What was reset */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            flow: components['schemas']['Flow'];
            /** @description The source stream whose checkpoint was reset */
            stream: string;
            clearedCheckpoints: number;
            /**
             * Format: date-time
             * @description The next run reads what changed since
             */
            from?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  enableFlow: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Flow id (flw_…) or name */
        flowId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The flow with its schedule */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @description Flow id (flw_…) */
            id: string;
            name: string;
            definition: {
              name: string;
              title?: string;
              description?: string;
              source: {
                /** @description Connection name or id */
                connection: string;
                stream: string;
              };
              mapping: {
                /** @description Mapping id (a folder in mappings/ or a stored mapping) */
                id: string;
                version?: string;
              };
              target: {
                /** @description Connection name or id */
                connection: string;
                action: string;
              };
              trigger:
                | {
                    /** @constant */
                    type: 'manual';
                  }
                | {
                    /** @constant */
                    type: 'schedule';
                    /** @description Cron expression, e.g. "*\/15 * * * *" */
                    cron: string;
                    /** @description IANA time zone of the cron expression (default UTC) */
                    timezone?: string;
                  }
                | {
                    /** @constant */
                    type: 'webhook';
                  };
              /** @description upsert: create or update; mirror: upsert and delete what the source no longer has; append: events */
              mode: 'upsert' | 'mirror' | 'append';
              identity?: {
                /** @description Source record field(s) that identify the record (dot paths); default: the stream identity */
                source: string[];
                /** @description Field of the mapped record that finds the target record (e.g. email) */
                target?: string;
                /**
                 * @description email: the identity is the normalised e-mail (trimmed, lowercased), so "Ann@X.com " and "ann@x.com" are one record; a value that is not a usable e-mail is set aside as a dead letter
                 * @constant
                 */
                normalize?: 'email';
              };
              linkGroup?: string;
              sync?: {
                linkGroup: string;
                conflict:
                  | {
                      /** @constant */
                      policy: 'last-writer-wins';
                    }
                  | {
                      /** @constant */
                      policy: 'field-ownership';
                      /** @description Fields of the mapped record this flow may write (the source side owns them) */
                      owns: string[];
                    };
              };
              options?: {
                /** @description Records per write; capped by the action maximum */
                batchSize?: number;
                /** @description Write batches in flight */
                concurrency?: number;
                /** @description Attempts for retryable failures */
                maxAttempts?: number;
                /** @description Re-read window for sources with coarse cursors */
                lookbackMs?: number;
                /** @description Write only records a flow of the same link group already wrote to the target (removals of what the hub added); the others are held with the reason and never sent */
                onlyWritten?: boolean;
              };
            };
            enabled: boolean;
            linkGroup?: string;
            template?: string;
            sourceConnectionId?: string;
            targetConnectionId?: string;
            /** @description Created (epoch ms) */
            createdAt: number;
            /** @description Last changed (epoch ms) */
            updatedAt: number;
            /** FlowSchedule */
            schedule: {
              /** @description Flow name */
              flow: string;
              /** @description When it runs, in words ("runs every 15 minutes") */
              words: string;
              /** @description First scheduled run (epoch ms) */
              firstRunAt?: number;
              /** @description The schedule's time zone */
              timezone?: string;
            };
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  disableFlow: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Flow id (flw_…) or name */
        flowId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The flow */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Flow'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  runFlow: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Flow id (flw_…) or name */
        flowId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run, queued */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StartedRun'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  dryRunFlow: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Flow id (flw_…) or name */
        flowId: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          /** @description Records to read (default 100) */
          limit?: number;
        };
      };
    };
    responses: {
      /** @description What each record would become */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DryRunReport'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The connector (vendor) refused or failed */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The vendor asked to wait; see Retry-After */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listTemplates: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of templates, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Template'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getTemplate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Template name */
        templateId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The template */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Template'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  enableTemplate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Template name */
        templateId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description Role → connection name or id */
          connections: {
            [key: string]: string;
          };
          /** @description Prefixes the flow names and link group, to enable a template more than once */
          namePrefix?: string;
          /** @description When the flows run: "manual" (only when started), or a cron expression such as "*\/30 * * * *" (default: the template's schedule) */
          schedule?: string;
          /** @description IANA time zone of a cron `schedule` (default UTC) */
          timezone?: string;
        };
      };
    };
    responses: {
      /** @description The flows created, with when each runs in words and its first run time */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Flow'][];
            schedules: {
              /** @description Flow name */
              flow: string;
              /** @description When it runs, in words ("runs every 15 minutes") */
              words: string;
              /** @description First scheduled run (epoch ms) */
              firstRunAt?: number;
              /** @description The schedule's time zone */
              timezone?: string;
            }[];
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listRuns: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
        /** @description Only those of this flow (id or name) */
        flowId?: string;
        status?: 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of runs */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Run'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getRun: {
    parameters: {
      query?: {
        /** @description How many failures to include */
        failures?: number;
      };
      header?: never;
      path: {
        /** @description Run id (run_…) */
        runId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RunDetail'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listDeadLetters: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
        /** @description Only those of this flow (id or name) */
        flowId?: string;
        status?: 'pending' | 'replayed' | 'discarded';
        /** @description Only those of this source record */
        recordKey?: string;
        /** @description Only those last dead-lettered by this run */
        runId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of dead letters */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['DeadLetter'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getDeadLetter: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Dead letter id (dlq_…) */
        deadLetterId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The dead letter */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeadLetter'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  replayDeadLetters: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json':
          | {
              ids: string[];
              /** @description Map the stored copies of the records instead of reading them again from the source */
              fromStored?: boolean;
            }
          | {
              /** @description Flow id or name */
              flowId: string;
              /** @description Map the stored copies of the records instead of reading them again from the source */
              fromStored?: boolean;
            };
      };
    };
    responses: {
      /** @description What the replay did */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReplayReport'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  discardDeadLetters: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json':
          | {
              ids: string[];
              /** @description Why they are set aside */
              note: string;
            }
          | {
              /** @description Flow id or name */
              flowId: string;
              /** @description Why they are set aside */
              note: string;
            };
      };
    };
    responses: {
      /** @description What was discarded */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            discarded: number;
            ids: string[];
            note: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listRunRecords: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
        /** @description created / updated: written to the target; held: not sent on purpose (no consent, skipped by the mapping, an erased identifier), with the reason; failed: refused, with the reason (also in dead letters); review: the connector could not confirm the write, with the reason (in GET /review-items until a person resolves it) */
        outcome?: 'created' | 'updated' | 'held' | 'failed' | 'review';
      };
      header?: never;
      path: {
        /** @description Run id (run_…) */
        runId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of the run's records */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: {
              /** @description created / updated: written to the target; held: not sent on purpose (no consent, skipped by the mapping, an erased identifier), with the reason; failed: refused, with the reason (also in dead letters); review: the connector could not confirm the write, with the reason (in GET /review-items until a person resolves it) */
              outcome: 'created' | 'updated' | 'held' | 'failed' | 'review';
              /** @description The source record's key (the vendor's id) */
              recordKey: string;
              /** @description The record's e-mail address or name, as read */
              label?: string;
              /** @description Why it was held or failed */
              reason?: string;
              /** @description The field at fault (JSON pointer) */
              field?: string;
              /** @description Recorded (epoch ms) */
              recordedAt: number;
            }[];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
            /**
             * RunRecordTotals
             * @description Every record of each outcome, listed or not
             */
            totals: {
              created: number;
              updated: number;
              held: number;
              failed: number;
              review: number;
            };
            /** @description How many records of each outcome a run keeps; beyond it they are counted in totals only */
            listedPerOutcome: number;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  getAdMetrics: {
    parameters: {
      query?: {
        /** @description Days up to today */
        days?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Spend and results per ad connection */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            days: number;
            /** @description First day of the window (UTC) */
            since: string;
            /** @description Last day of the window (today, UTC) */
            until: string;
            channels: {
              connectionId: string;
              connectionName: string;
              connectorId: string;
              /** @description The connector's display name */
              channel: string;
              /** @description The stream read for spend */
              stream: string;
              /** @description ISO 4217 code of the account's currency, null when the stream does not name it */
              currency: string | null;
              spend: number | null;
              clicks: number | null;
              impressions: number | null;
              conversions: number | null;
              conversionValue: number | null;
              roas: number | null;
              matchRate: number | null;
              /** @description Why reading the match rate failed and what to do (the other figures still stand) */
              matchRateError: string | null;
              /** @description One entry per day with data, oldest first */
              days: {
                /** @description YYYY-MM-DD (UTC) */
                date: string;
                spend: number;
                clicks: number;
                impressions: number;
                conversions: number | null;
                conversionValue: number | null;
              }[];
              /** @description Figures this stream does not report */
              notReported: string[];
              /** @description More than 50 pages: the figures cover the first ones only */
              truncated: boolean;
              /** @description Why the read failed and what to do */
              error: string | null;
            }[];
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listReviewItems: {
    parameters: {
      query?: {
        /** @description Only those of this flow (id or name) */
        flowId?: string;
        /** @description open: waiting for a person; done: it was applied; retry: it was sent again */
        status?: 'open' | 'done' | 'retry';
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The review items */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: {
              id: string;
              flowId: string;
              /** @description The run whose worker stopped with the write in flight, or whose write could not be confirmed */
              runId: string;
              recordKey: string;
              /** @description The action that was being called */
              action: string;
              reason: string;
              /** @description open: waiting for a person; done: it was applied; retry: it was sent again */
              status: 'open' | 'done' | 'retry';
              createdAt: number;
              resolvedAt?: number;
              /** @description The source record as read */
              source?: unknown;
              /** @description The payload that was being written */
              payload?: unknown;
              /** @description Whether resolving it as done may name the target record (`targetId`), which links the record */
              linkable: boolean;
              /** @description The target record named when it was resolved as done */
              targetId?: string;
            }[];
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  resolveReviewItemDone: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Review item id (rev_…) */
        reviewItemId: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          /** @description Id of the record in the target system */
          targetId?: string;
        };
      };
    };
    responses: {
      /** @description The resolved item */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** ReviewItem */
            item: {
              id: string;
              flowId: string;
              /** @description The run whose worker stopped with the write in flight, or whose write could not be confirmed */
              runId: string;
              recordKey: string;
              /** @description The action that was being called */
              action: string;
              reason: string;
              /** @description open: waiting for a person; done: it was applied; retry: it was sent again */
              status: 'open' | 'done' | 'retry';
              createdAt: number;
              resolvedAt?: number;
              /** @description The source record as read */
              source?: unknown;
              /** @description The payload that was being written */
              payload?: unknown;
              /** @description Whether resolving it as done may name the target record (`targetId`), which links the record */
              linkable: boolean;
              /** @description The target record named when it was resolved as done */
              targetId?: string;
            };
            /** ReplayReport */
            replay?: {
              replayed: number;
              written: number;
              stillFailing: string[];
              runId?: string;
              error?: {
                kind: 'retryable' | 'rate_limited' | 'permanent' | 'auth' | 'config';
                message: string;
                /** @description Path of the field at fault, when known */
                field?: string;
                retryAfterMs?: number;
                /** @description HTTP status of the vendor response, when there was one */
                status?: number;
              };
            };
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  resolveReviewItemRetry: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Review item id (rev_…) */
        reviewItemId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The resolved item and what the replay did */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** ReviewItem */
            item: {
              id: string;
              flowId: string;
              /** @description The run whose worker stopped with the write in flight, or whose write could not be confirmed */
              runId: string;
              recordKey: string;
              /** @description The action that was being called */
              action: string;
              reason: string;
              /** @description open: waiting for a person; done: it was applied; retry: it was sent again */
              status: 'open' | 'done' | 'retry';
              createdAt: number;
              resolvedAt?: number;
              /** @description The source record as read */
              source?: unknown;
              /** @description The payload that was being written */
              payload?: unknown;
              /** @description Whether resolving it as done may name the target record (`targetId`), which links the record */
              linkable: boolean;
              /** @description The target record named when it was resolved as done */
              targetId?: string;
            };
            /** ReplayReport */
            replay?: {
              replayed: number;
              written: number;
              stillFailing: string[];
              runId?: string;
              error?: {
                kind: 'retryable' | 'rate_limited' | 'permanent' | 'auth' | 'config';
                message: string;
                /** @description Path of the field at fault, when known */
                field?: string;
                retryAfterMs?: number;
                /** @description HTTP status of the vendor response, when there was one */
                status?: number;
              };
            };
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Conflicts with the current state (a name in use, a connection a flow uses) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listAuditEntries: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
        /** @description connection, mapping, flow, token, deadLetter */
        entity?: string;
        entityId?: string;
        /** @description A token id (tok_…), cli or system */
        actor?: string;
        /** @description e.g. flow.enable */
        action?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of audit entries */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['AuditEntry'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  listTokens: {
    parameters: {
      query?: {
        /** @description Items per page */
        limit?: number;
        /** @description The nextCursor of the previous page (opaque) */
        cursor?: string;
        includeRevoked?: boolean;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of tokens, oldest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['ApiToken'][];
            /** @description Pass as ?cursor= to get the next page; absent on the last */
            nextCursor?: string;
          };
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  createToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          name: string;
          role: 'admin' | 'engineer' | 'marketer' | 'viewer';
        };
      };
    };
    responses: {
      /** @description The token (once) and its record */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedToken'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The body is larger than 1 MB */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
  revokeToken: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Token id (tok_…) or name */
        tokenId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The revoked token */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiToken'];
        };
      };
      /** @description The request does not match the schema; `errors` names each field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description No API token, or one that is not valid */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description The token's role does not hold the route's permission */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Well-formed, but refused; `errors` names each field */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
      /** @description Unexpected error (details are in the hub log, never in the response) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['Problem'];
        };
      };
    };
  };
}
