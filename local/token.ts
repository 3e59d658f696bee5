// `npm run token -- <userId> [expiry]`: prints a dev bearer token for any user.
import { devJwtSecret, signDevToken } from './dev-token.js';

const [userId, expiresIn = '12h'] = process.argv.slice(2);
if (!userId) {
  console.error('usage: npm run token -- <userId> [expiry, e.g. 12h]');
  process.exit(2);
}
console.log(await signDevToken(devJwtSecret(), userId, { expiresIn }));
