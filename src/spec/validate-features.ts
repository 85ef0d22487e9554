import { documentValidator, type GeneratedValidator } from './validate';

/** Validates a features document. Returns error messages; empty when valid. */
export const validateFeatures = documentValidator(
  'features',
  () => require('../../build/validators/validate-features.js') as GeneratedValidator,
);
