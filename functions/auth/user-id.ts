// What a user id may look like. It becomes part of DynamoDB keys (`USER#<id>`), log
// fields and admin paths, so it is a short string over a safe alphabet: no `#`, no
// spaces, never an object or array stringified into a key shared by other users.
import { z } from 'zod';

export const userIdSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.:@|-]+$/, 'may contain only letters, digits and _ . : @ | -');
