/** Hand-written descriptors for runtime tests (the generated ones cover every operation). */
import { defineOperation, type OperationDescriptor } from '../../runtime/index.js';

const op = (id: string, method: OperationDescriptor['method'], path: string, security: OperationDescriptor['security'] = 'm2m', body: OperationDescriptor['body'] = 'none') =>
  ({ id, method, path, security, paginated: false, body }) satisfies OperationDescriptor;

export const listUsersOp = { ...op('ListUsers', 'GET', '/api/users'), paginated: true };
export const getUserOp = op('GetUser', 'GET', '/api/users/{userId}');
export const createUserOp = op('CreateUser', 'POST', '/api/users', 'm2m', 'json');
export const statusOp = op('GetStatus', 'GET', '/api/status', 'none');
export const myAccountOp = op('GetProfile', 'GET', '/api/my-account', 'user');
export const assignApplicationRolesOp = op('AssignApplicationRoles', 'POST', '/api/applications/{applicationId}/roles', 'm2m', 'json');

export const listUsers = defineOperation<{ query?: { page?: number; page_size?: number } }, Array<{ id: string; username: string | null }>>(listUsersOp);
export const getUser = defineOperation<{ path: { userId: string } }, { id: string; username: string | null }>(getUserOp);
export const createUser = defineOperation<{ body: Record<string, unknown> }, { id: string; username: string | null }>(createUserOp);
export const getStatus = defineOperation<{}, undefined>(statusOp);
export const getMyAccount = defineOperation<{}, { id: string; username: string | null }>(myAccountOp);
