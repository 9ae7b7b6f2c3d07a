/**
 * `createFakeLogto()`: the fake without a server, at an origin of your choice — for MSW
 * (`logto-mgmt-testing/msw`) or any transport that hands it requests.
 */
import { sharedSpecValidator } from '../validation/spec-validator.js';
import { FakeLogto, type FakeLogtoOptions } from './fake-logto.js';

export async function createFakeLogto(options: FakeLogtoOptions & { endpoint?: string } = {}): Promise<FakeLogto> {
  const { endpoint = 'https://fake-logto.test', ...rest } = options;
  return new FakeLogto(endpoint, await sharedSpecValidator(), rest);
}
