/**
 * Step 4: the operation model — everything the emitters need, decided once: names, security,
 * pagination, body encoding, which parameter groups exist and whether they are required, and
 * which 2xx responses carry JSON. Emitters only print it.
 */
import { GeneratorError, jsonPointer } from './generator-error.js';
import { assignNames, localIdentifier, moduleFileForNamespace, type NameMap } from './name-map.js';
import { HTTP_METHODS, type LowerHttpMethod, type OpenApiDocument } from './validate-spec.js';

export type Security = 'm2m' | 'none' | 'user';
export type BodyType = 'json' | 'multipart' | 'none';

/** Tags whose operations are called with an end user's token (Logto's account APIs). */
export const USER_TOKEN_TAGS: readonly string[] = ['My account', 'Verifications', 'Account center'];

export interface ParameterGroup {
  /** At least one parameter of this kind exists. */
  present: boolean;
  /** At least one of them is required (path parameters always are). */
  required: boolean;
}

export interface SuccessResponse {
  status: string;
  /** The JSON content type of the response, if it has one. */
  jsonContentType: string | undefined;
}

export interface OperationModel {
  operationId: string;
  tag: string | undefined;
  namespace: string;
  /** The exported name (`delete` is fine as an export name). */
  method: string;
  /** The local `const` name (`delete_` where the method is a keyword). */
  identifier: string;
  httpMethod: Uppercase<LowerHttpMethod>;
  path: string;
  summary: string | undefined;
  description: string | undefined;
  deprecated: boolean;
  security: Security;
  paginated: boolean;
  body: BodyType;
  /** The request body's content type, e.g. `application/json`, `multipart/form-data`. */
  bodyContentType: string | undefined;
  bodyRequired: boolean;
  pathParameters: ParameterGroup;
  queryParameters: ParameterGroup;
  /** Every 2xx response, in status order. */
  successResponses: SuccessResponse[];
}

export interface NamespaceModel {
  name: string;
  /** Module file name without extension, e.g. `organization-roles`. */
  module: string;
  tag: string | undefined;
  description: string | undefined;
  operations: OperationModel[];
}

export interface ApiModel {
  operations: OperationModel[];
  namespaces: NamespaceModel[];
  nameMap: NameMap;
}

type JsonObject = Record<string, unknown>;

export function buildOperationModel(document: OpenApiDocument, previousNames: NameMap, files: { spec: string; nameMap: string }): ApiModel {
  const resolve = (node: unknown): JsonObject => {
    let current = node as JsonObject;
    for (let depth = 0; current && typeof current.$ref === 'string'; depth++) {
      if (depth > 20) throw new GeneratorError(`$ref cycle at ${current.$ref as string}`, { file: files.spec });
      current = (current.$ref as string)
        .slice(2)
        .split('/')
        .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((value, key) => (value as JsonObject)[key], document) as JsonObject;
    }
    return current ?? {};
  };

  const globalSecurity = document.security;
  const raw: Array<Omit<OperationModel, 'namespace' | 'method' | 'identifier'>> = [];
  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as JsonObject | undefined;
      if (!operation) continue;
      const pointer = (...rest: Array<string | number>) => jsonPointer('paths', path, method, ...rest);
      const operationId = operation.operationId as string;
      const tag = (operation.tags as string[] | undefined)?.[0];
      const parameters = [...((pathItem.parameters as unknown[]) ?? []), ...((operation.parameters as unknown[]) ?? [])].map(resolve);
      const group = (location: string): ParameterGroup => {
        const matching = parameters.filter((parameter) => parameter.in === location);
        return { present: matching.length > 0, required: matching.some((parameter) => parameter.required === true || location === 'path') };
      };
      const query = parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);

      const requestBody = operation.requestBody ? resolve(operation.requestBody) : undefined;
      const contentTypes = Object.keys((requestBody?.content as JsonObject | undefined) ?? {});
      const jsonType = contentTypes.find(isJsonContentType);
      const multipartType = contentTypes.find((type) => type.startsWith('multipart/form-data'));
      let body: BodyType = 'none';
      let bodyContentType: string | undefined;
      if (requestBody) {
        if (jsonType) [body, bodyContentType] = ['json', jsonType];
        else if (multipartType) [body, bodyContentType] = ['multipart', multipartType];
        else {
          throw new GeneratorError(
            `request body content ${contentTypes.map((type) => JSON.stringify(type)).join(', ') || '(none)'} is not supported: only JSON and multipart/form-data`,
            { file: files.spec, pointer: pointer('requestBody', 'content') },
          );
        }
      }

      const responses = operation.responses as JsonObject;
      const successResponses = Object.keys(responses)
        .filter((status) => /^2(\d\d|XX)$/i.test(status))
        .sort()
        .map((status) => {
          const content = (resolve(responses[status]).content as JsonObject | undefined) ?? {};
          return { status, jsonContentType: Object.keys(content).find(isJsonContentType) };
        });

      const first = successResponses[0];
      const firstSchema = first?.jsonContentType
        ? resolve(((resolve(responses[first.status]).content as JsonObject)[first.jsonContentType] as JsonObject).schema)
        : undefined;
      const paginated =
        method === 'get' && query.includes('page') && query.includes('page_size') && firstSchema?.type === 'array';

      const security = operationSecurity(operation.security ?? globalSecurity, tag);
      raw.push({
        operationId,
        tag,
        httpMethod: method.toUpperCase() as Uppercase<LowerHttpMethod>,
        path,
        summary: nonEmpty(operation.summary),
        description: nonEmpty(operation.description),
        deprecated: operation.deprecated === true,
        security,
        paginated,
        body,
        bodyContentType,
        bodyRequired: requestBody?.required === true,
        pathParameters: group('path'),
        queryParameters: group('query'),
        successResponses,
      });
    }
  }

  const nameMap = assignNames(raw, previousNames, files.nameMap);
  const operations: OperationModel[] = raw.map((operation) => {
    const { namespace, method } = nameMap[operation.operationId];
    return { ...operation, namespace, method, identifier: localIdentifier(method) };
  });

  const tagDescriptions = new Map((document.tags ?? []).map((tag) => [tag.name, nonEmpty(tag.description)]));
  const byNamespace = new Map<string, OperationModel[]>();
  for (const operation of operations) {
    const list = byNamespace.get(operation.namespace) ?? [];
    list.push(operation);
    byNamespace.set(operation.namespace, list);
  }
  const namespaces = [...byNamespace.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, list]) => ({
      name,
      module: moduleFileForNamespace(name),
      tag: list[0].tag,
      description: list[0].tag ? tagDescriptions.get(list[0].tag) : undefined,
      operations: list,
    }));
  const modules = new Map<string, string>();
  for (const namespace of namespaces) {
    const other = modules.get(namespace.module);
    if (other) throw new GeneratorError(`namespaces ${other} and ${namespace.name} would share the module operations/${namespace.module}.ts`, { file: files.nameMap });
    modules.set(namespace.module, namespace.name);
  }
  return { operations, namespaces, nameMap };
}

function operationSecurity(security: unknown, tag: string | undefined): Security {
  if (Array.isArray(security) && security.length === 0) return 'none';
  if (tag && USER_TOKEN_TAGS.includes(tag)) return 'user';
  return 'm2m';
}

export function isJsonContentType(type: string): boolean {
  return /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i.test(type);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
