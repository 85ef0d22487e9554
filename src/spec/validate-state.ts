import { documentValidator, type GeneratedValidator } from './validate';

/** Validates a container state document. Returns error messages; empty when valid. */
export const validateState = documentValidator(
  'state',
  () => require('../../build/validators/validate-state.js') as GeneratedValidator,
);
