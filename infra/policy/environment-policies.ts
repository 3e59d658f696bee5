// Lambda environments hold no secrets: a variable whose name says it is a key, secret,
// password or token, or whose value has the shape of a known credential, fails.
//
// The rule, word by word (names split at "_" and at camelCase humps):
// - a name is secret-looking when a word ends in KEY(S), SECRET(S), TOKEN, PASS, PASSWORD(S),
//   PASSWD, PASSPHRASE, PWD or CREDENTIAL(S): OPENAI_API_KEY, JWT_SECRET, ADMIN_TOKEN,
//   DB_PASS, clientSecret;
// - unless its last word says it refers to a secret rather than holds one: ..._ARN, _NAME,
//   _ID, _URL, _URI, _TABLE, _PATH, _FILE, _PARAM, _PARAMETER, _HEADER (SECRETS_ARN);
// - TOKENS is a count of model tokens, not a secret (MAX_TOKENS_PER_REQUEST);
// - a value that is a boolean or a number is a setting, not a secret
//   (AUTH_ALLOW_HS256=true);
// - any value shaped like a known credential fails whatever its name (OpenAI and Groq API
//   keys, AWS access key ids, Slack tokens, PEM private keys, JWTs).
import * as aws from '@pulumi/aws';
import { type ResourceValidationPolicy, validateResourceOfType } from '@pulumi/policy';

const secretWord = /(KEYS?|SECRETS?|TOKEN|PASS|PASSWORDS?|PASSWD|PASSPHRASE|PWD|CREDENTIALS?)$/;
const referenceWord = /^(ARN|NAME|ID|URL|URI|TABLE|PATH|FILE|PARAM|PARAMETER|HEADER)$/;
const settingValue = /^(true|false|-?\d+(\.\d+)?)$/i;
const credentialValue = [
  /^sk-[A-Za-z0-9_-]{16,}/, // OpenAI
  /^gsk_[A-Za-z0-9]{16,}/, // Groq
  /^(AKIA|ASIA)[A-Z0-9]{16}$/, // AWS access key id
  /^xox[abposr]-[A-Za-z0-9-]{10,}/, // Slack
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/, // a JWT
];

const wordsOf = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);

/** Why a variable looks like a literal secret, or undefined. */
function secretProblem(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  if (credentialValue.some((shape) => shape.test(value))) return 'holds a value shaped like a credential';
  const words = wordsOf(name);
  const last = words.at(-1) ?? '';
  if (referenceWord.test(last) || settingValue.test(value)) return undefined;
  return words.some((word) => secretWord.test(word)) ? 'has a secret-looking name and a literal value' : undefined;
}

export const noSecretsInEnvironment: ResourceValidationPolicy = {
  name: 'no-literal-secrets-in-env',
  description:
    'Lambda environment variables must not hold secrets (names with KEY, SECRET, PASS, TOKEN..., or credential-shaped values); keep them in Secrets Manager and pass the ARN.',
  enforcementLevel: 'mandatory',
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, reportViolation) => {
    for (const [name, value] of Object.entries(fn.environment?.variables ?? {})) {
      const problem = secretProblem(name, value);
      if (problem)
        reportViolation(
          `Function ${args.name}: environment variable ${name} ${problem}; store it in Secrets Manager and pass its ARN.`,
        );
    }
  }),
};
