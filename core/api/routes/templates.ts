import { Type } from '@sinclair/typebox';
import { ROLE_PATTERN } from '../../flows/templates';
import { notFound } from '../problem';
import { pageInMemory } from '../pagination';
import { defineRoute } from '../route';
import { FlowSchedule, flowView } from './flows';
import { Flow, ListQuery, Page, Ref, Template } from '../schemas';

const TemplateParams = Type.Object({ templateId: Ref('Template name') });

/** Templates: prebuilt flows a marketer enables by picking a connection for each role. */
export const templateRoutes = [
  defineRoute({
    method: 'get',
    path: '/templates',
    operationId: 'listTemplates',
    tag: 'templates',
    permission: 'templates:read',
    summary: 'List the templates (prebuilt flows and sync pairs) with the connections each needs',
    query: ListQuery({}),
    response: { status: 200, description: 'A page of templates, by name', schema: Page(Template) },
    handler: async ({ deps, query }) =>
      pageInMemory(
        deps.flows.templates().map((t) => ({ id: t.name, ...t })),
        (t) => t.id,
        query,
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/templates/:templateId',
    operationId: 'getTemplate',
    tag: 'templates',
    permission: 'templates:read',
    summary: 'Show a template',
    params: TemplateParams,
    response: { status: 200, description: 'The template', schema: Template },
    problems: [404],
    handler: async ({ deps, params }) => {
      const template = deps.flows.templates().find((t) => t.name === params.templateId);
      if (template === undefined) throw notFound('template', params.templateId);
      return { id: template.name, ...template };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/templates/:templateId/enable',
    operationId: 'enableTemplate',
    tag: 'templates',
    permission: 'templates:enable',
    summary: "Enable a template: creates and enables its flows with the chosen connections (a sync pair's two flows)",
    params: TemplateParams,
    body: Type.Object(
      {
        connections: Type.Record(Type.String({ pattern: ROLE_PATTERN }), Type.String({ minLength: 1 }), {
          description: 'Role → connection name or id',
        }),
        namePrefix: Type.Optional(
          Type.String({
            pattern: '^[a-z0-9][a-z0-9._-]{0,39}$',
            description: 'Prefixes the flow names and link group, to enable a template more than once',
          }),
        ),
        schedule: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 100,
            description:
              'When the flows run: "manual" (only when started), or a cron expression such as "*/30 * * * *" (default: the template\'s schedule)',
          }),
        ),
        timezone: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 64,
            description: 'IANA time zone of a cron `schedule` (default UTC)',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    response: {
      status: 201,
      description: 'The flows created, with when each runs in words and its first run time',
      schema: Type.Object({ items: Type.Array(Flow), schedules: Type.Array(FlowSchedule) }),
    },
    problems: [404, 409, 422],
    handler: async ({ deps, params, body, actor }) => {
      if (!deps.flows.templates().some((t) => t.name === params.templateId))
        throw notFound('template', params.templateId);
      const options = {
        connections: body.connections,
        actor,
        ...(body.namePrefix ? { namePrefix: body.namePrefix } : {}),
        ...(body.schedule === undefined ? {} : { schedule: body.schedule }),
        ...(body.timezone === undefined ? {} : { timezone: body.timezone }),
      };
      const created = await deps.flows.enableTemplate(params.templateId, options);
      return { items: created.map(flowView), schedules: created.map((f) => deps.flows.schedule(f)) };
    },
  }),
];
