// Small readers for resource properties as policies see them (inputs, camelCase).
export type Props = Record<string, any>;

export const resourceTypes = {
  functionUrl: 'aws:lambda/functionUrl:FunctionUrl',
  lambda: 'aws:lambda/function:Function',
  table: 'aws:dynamodb/table:Table',
  logGroup: 'aws:cloudwatch/logGroup:LogGroup',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  policy: 'aws:iam/policy:Policy',
  role: 'aws:iam/role:Role',
} as const;

/** Whether a resource belongs to a production stack (every taggable resource carries `environment`). */
export const isProdTagged = (props: Props): boolean => props.tags?.environment === 'prod';

/** The chat stream's resources are named `chat-stream*`; the admin API's `admin-api*`. */
export const isStreamResource = (name: string): boolean => name.startsWith('chat-stream');
export const isAdminResource = (name: string): boolean => name.startsWith('admin-api');

export interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Statements of an IAM policy document given as JSON text or an object. */
export function statementsOf(document: unknown): Array<{ effect: string; actions: string[]; resources: string[] }> {
  const parsed =
    typeof document === 'string'
      ? (JSON.parse(document) as { Statement?: PolicyStatement | PolicyStatement[] })
      : (document as { Statement?: PolicyStatement | PolicyStatement[] } | undefined);
  const statements =
    parsed?.Statement === undefined ? [] : Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return statements.map((s) => ({
    effect: s.Effect ?? 'Allow',
    actions: asList(s.Action),
    resources: asList(s.Resource),
  }));
}
