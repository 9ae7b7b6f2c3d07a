// The same call through the official @logto/api (types + openapi-fetch), for comparison.
import { createManagementApi } from '@logto/api/management';

const { apiClient } = createManagementApi('tenant', { clientId: 'id', clientSecret: 'secret' });
const user = await apiClient.GET('/api/users/{userId}', { params: { path: { userId: 'u1' } } });
export const status = user.response.status;
