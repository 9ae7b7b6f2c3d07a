/** The Logto schema quirks live with the fake Logto, which validates against the same spec. */
export { addLogtoFormats, formatsIn, informalFormats, logtoRegExp, withoutUntypedNullable } from '../../../testing/src/validation/logto-schema-rules.js';
