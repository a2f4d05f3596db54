import { loadConfig } from '../config';
import { createLogger } from '../logging/logger';
import type { FlowService } from '../flows';
import { openEngine, type Engine, type OpenEngineOptions } from '../runtime/engine';
import { flowServiceFor } from '../runtime/flow-service';
import { openHub, type Hub } from '../runtime/hub';

/** What a flows/runs/dlq command works with: the hub and its flow service. */
export interface Session {
  hub: Hub;
  flows: FlowService;
}

/** Opens the hub for one command (quiet logs unless HUB_LOG_LEVEL asks for more) and closes it afterwards. */
export async function withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const hub = await openHub(config, {
    logger: createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }),
  });
  try {
    return await fn({ hub, flows: flowServiceFor(hub) });
  } finally {
    await hub.close();
  }
}

/** Like withSession, with the engine (queue, budget, runner) open for the duration; closed before the hub. */
export async function withEngine<T>(
  session: Session,
  fn: (engine: Engine) => Promise<T>,
  options: OpenEngineOptions = {},
): Promise<T> {
  const engine = await openEngine(session.hub, options);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}
