/** Naming rules, table-driven: tag → namespace, operationId + tag → method, collisions. */
import { describe, expect, it } from 'vitest';
import { assignNames, deriveMethodName, localIdentifier, moduleFileForNamespace, namespaceForTag } from '../../generator/pipeline/name-map.js';
import { operationIdFromRoute } from '../../generator/pipeline/validate-spec.js';

describe('namespaceForTag', () => {
  const cases: Array<[tag: string, namespace: string, module: string]> = [
    ['Users', 'users', 'users'],
    ['Organization roles', 'organizationRoles', 'organization-roles'],
    ['SSO connectors', 'ssoConnectors', 'sso-connectors'],
    ['Sign-in experience', 'signInExperience', 'sign-in-experience'],
    ['Swagger.json', 'swaggerJson', 'swagger-json'],
    ['CIMD', 'cimd', 'cimd'],
    ['One-time tokens', 'oneTimeTokens', 'one-time-tokens'],
    ['Default', 'defaultApi', 'default-api'],
    ['Raw', 'rawApi', 'raw-api'],
  ];
  for (const [tag, namespace, module] of cases) {
    it(`${tag} → ${namespace} in operations/${module}.ts`, () => {
      expect(namespaceForTag(tag)).toBe(namespace);
      expect(moduleFileForNamespace(namespace)).toBe(module);
    });
  }
});

describe('deriveMethodName', () => {
  const cases: Array<[operationId: string, tag: string | undefined, method: string]> = [
    ['ListUsers', 'Users', 'list'],
    ['GetUser', 'Users', 'get'],
    ['GetUserCustomData', 'Users', 'getCustomData'],
    ['ListApplicationRoles', 'Applications', 'listRoles'],
    ['ListOrganizationRoleScopes', 'Organization roles', 'listScopes'],
    ['ListConnectorFactories', 'Connector factories', 'list'],
    ['GetSignInExp', 'Sign-in experience', 'get'],
    ['ListLogs', 'Audit logs', 'list'],
    ['ReplaceMyAccountIdentity', 'My account', 'replaceIdentity'],
    ['GetProfile', 'My account', 'getProfile'],
    ['DeleteSentinelActivities', 'Sentinel activities', 'delete'],
    ['UpdatePersonalAccessTokenName', 'Users', 'updatePersonalAccessTokenName'],
    ['GetWellKnownExperience', 'Well-known', 'getExperience'],
    ['GetOidcKeys', 'Configs', 'getOidcKeys'],
    ['ListThings', undefined, 'listThings'],
  ];
  for (const [operationId, tag, method] of cases) {
    it(`${operationId} under ${tag ?? 'no tag'} → ${method}`, () => expect(deriveMethodName(operationId, tag)).toBe(method));
  }

  it('gives keywords a safe local identifier and keeps the export name', () => {
    expect(localIdentifier('delete')).toBe('delete_');
    expect(localIdentifier('list')).toBe('list');
  });
});

describe('assignNames', () => {
  it('resolves a collision inside the namespace with the full operationId, first come first served', () => {
    const names = assignNames(
      [
        { operationId: 'DeleteEmailTemplates', tag: 'Email templates' },
        { operationId: 'DeleteEmailTemplate', tag: 'Email templates' },
        { operationId: 'DeleteUser', tag: 'Users' },
      ],
      {},
      'name-map.json',
    );
    expect(names).toEqual({
      DeleteEmailTemplates: { namespace: 'emailTemplates', method: 'delete' },
      DeleteEmailTemplate: { namespace: 'emailTemplates', method: 'deleteEmailTemplate' },
      DeleteUser: { namespace: 'users', method: 'delete' },
    });
  });

  it('numbers a name only when even the full operationId is taken', () => {
    const names = assignNames(
      [
        { operationId: 'GetThing', tag: 'Things' },
        { operationId: 'FetchThing', tag: 'Things' },
        { operationId: 'GetThingAgain', tag: 'Things' },
      ],
      {
        GetThing: { namespace: 'things', method: 'getAgain' },
        FetchThing: { namespace: 'things', method: 'getThingAgain' },
      },
      'name-map.json',
    );
    expect(names.GetThingAgain).toEqual({ namespace: 'things', method: 'getThingAgain2' });
  });

  it('drops map entries of operations that are gone', () => {
    const names = assignNames([{ operationId: 'ListUsers', tag: 'Users' }], { Removed: { namespace: 'users', method: 'list' } }, 'name-map.json');
    expect(names).toEqual({ ListUsers: { namespace: 'users', method: 'list' } });
  });
});

describe('operationIdFromRoute', () => {
  const cases: Array<[method: string, path: string, operationId: string]> = [
    ['get', '/api/users/{userId}/roles', 'GetUsersByUserIdRoles'],
    ['post', '/api/things/{thing:id}', 'PostThingsByThingId'],
    ['delete', '/api/.well-known/sign-in-exp', 'DeleteWellKnownSignInExp'],
    ['get', '/', 'GetRoot'],
  ];
  for (const [method, path, operationId] of cases) {
    it(`${method} ${path} → ${operationId}`, () => expect(operationIdFromRoute(method, path)).toBe(operationId));
  }
});
