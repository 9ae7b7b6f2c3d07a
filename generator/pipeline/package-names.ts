/** The two packages of logto-mgmt: the client (runtime + prebuilt client) and this generator. */
export const RUNTIME_PACKAGE = 'logto-mgmt';
export const GENERATOR_PACKAGE = 'logto-mgmt-generator';
