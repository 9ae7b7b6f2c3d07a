/**
 * The operations the fake keeps state for, by the spec's operationId. Every other operation of
 * the spec is answered from its response schema (spec-fallback.ts).
 */
import { applicationRoutes } from './application-routes.js';
import { logRoutes } from './log-routes.js';
import { organizationRoutes } from './organization-routes.js';
import { organizationTemplateRoutes } from './organization-template-routes.js';
import { resourceRoutes } from './resource-routes.js';
import { roleRoutes } from './role-routes.js';
import type { RouteHandler, RouteTable } from './route.js';
import { systemRoutes } from './system-routes.js';
import { userRoutes } from './user-routes.js';

const routes: RouteTable = {
  ...systemRoutes,
  ...userRoutes,
  ...roleRoutes,
  ...applicationRoutes,
  ...resourceRoutes,
  ...organizationRoutes,
  ...organizationTemplateRoutes,
  ...logRoutes,
};

export function statefulRoute(operationId: string): RouteHandler | undefined {
  return Object.hasOwn(routes, operationId) ? routes[operationId] : undefined;
}

/** The operationIds with a stateful handler. */
export const STATEFUL_OPERATIONS: readonly string[] = Object.keys(routes);
