// The CLI's help text.
import { experimentUsage } from './experiment-commands.js';

export const usage = `usage: npm run admin -- <command> [options]

commands:
  tiers list                                  list tiers with their limits and allowed models
  tiers get <name>                            show a tier
  tiers put <name> <file.json | '{json}'>     all limits: create or replace the tier;
                                              some limits: change only those of an existing tier
                                              (e.g. tiers put pro '{"burst":30}')
  tiers delete <name>                         delete a tier (refused while users have it)
  user get <userId>                           account, balance, limits, recent usage
  user set-tier <userId> <tier>               assign a tier
  user abuse-reset <userId>                   clear the user's abuse signals and lift a block
  credits grant <userId> <amount> --reason R  grant (or debit, with a negative amount) micro-units
                [--key K]                     idempotency key, see below
  ledger <userId> [--limit N]                 ledger entries, newest first
  sessions list <userId>                      a user's sessions, active first
  sessions get <sessionId>                    one settled session
  sessions kill <userId> <sessionId>          terminate a live session (at its next usage report)
  usage [--user U] [--from T] [--to T]        usage report (T: ISO time or epoch ms; default last 24h)
  rollups [--from T] [--to T]                 hourly usage rollups (what the dashboard plots)
  rollups recompute --from T --to T           recompute past hours from their sessions (at most 7 days)
  models list                                 the model catalog: providers, models, prices
  models set <provider:model> --input N --output N
                                              offer a model or change its price (micro-units per
                                              million tokens; new streams pay it within TIER_CACHE_MS)
  models delete <provider:model>              stop offering a model (refused while a tier names it)
  dashboard [--port N]                        serve the usage dashboard on this machine, calling the
                                              admin API with your credentials (SigV4 for a stack)
  audit [--limit N]                           recent administrative changes
${experimentUsage}

idempotency keys (credits grant --key):
  8 to 128 characters of A-Z a-z 0-9 _ . : -. A key applies its grant once: the same key
  again within 7 days answers "replayed" and moves nothing; the same key with another
  amount is refused (409 idempotency_conflict). Without --key a new key is generated, so
  running the command twice grants twice: to retry a grant safely, pass the key it printed.

options:
  --url URL      admin API base URL (default: $ADMIN_URL, else the URL a running npm run dev
                 wrote to $LOCAL_DATA_DIR/dev-server.json, else http://127.0.0.1:$PORT/admin)
  --token T      admin bearer token (default $ADMIN_TOKEN, or the local dev token)
  --sigv4        sign with AWS SigV4 (automatic for *.lambda-url.<region>.on.aws URLs)
  --region R     region for SigV4 (default from the URL or $AWS_REGION)
  --json         print the raw JSON answer`;
