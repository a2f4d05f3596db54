import type { ApiRoute } from '../route';
import { adMetricsRoutes } from './ad-metrics';
import { auditTokenRoutes } from './audit-tokens';
import { connectionRoutes } from './connections';
import { connectorRoutes } from './connectors';
import { flowRoutes } from './flows';
import { mappingRoutes } from './mappings';
import { metaRoutes } from './meta';
import { runRecordRoutes } from './run-records';
import { runRoutes } from './runs';
import { streamSampleRoutes } from './stream-samples';
import { reviewRoutes } from './review';
import { templateRoutes } from './templates';

/**
 * The route table: every route of /api/v1, read by the express adapter, the OpenAPI generator and the permission
 * test. Static paths come before parameterised ones of the same prefix (`/dead-letters/replay` is a POST, so the
 * order only matters within a method).
 */
export const API_ROUTES: readonly ApiRoute[] = [
  ...metaRoutes,
  ...connectorRoutes,
  ...connectionRoutes,
  ...streamSampleRoutes,
  ...mappingRoutes,
  ...flowRoutes,
  ...templateRoutes,
  ...runRoutes,
  ...runRecordRoutes,
  ...adMetricsRoutes,
  ...reviewRoutes,
  ...auditTokenRoutes,
];
