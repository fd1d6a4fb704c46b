import picomatch from 'picomatch';

/**
 * Files that usually hold credentials: dotenv files, private keys, package-registry and cloud
 * credentials. Agents may not read them (read_file, edit_file, search) unless the config's
 * `allowSecretFiles` names them. Matched on the path relative to the worktree, case-insensitively.
 */
const SECRET_GLOBS = [
  '**/.env',
  '**/.env.*',
  '**/*.env',
  '**/.envrc',
  '**/*.pem',
  '**/*.key',
  '**/*.p12',
  '**/*.pfx',
  '**/*.jks',
  '**/*.keystore',
  '**/id_rsa',
  '**/id_dsa',
  '**/id_ecdsa',
  '**/id_ed25519',
  '**/.npmrc',
  '**/.yarnrc.yml',
  '**/.pypirc',
  '**/.netrc',
  '**/_netrc',
  '**/.pgpass',
  '**/.git-credentials',
  '**/.dockercfg',
  '**/.docker/config.json',
  '**/.aws/credentials',
  '**/credentials',
  '**/credentials.json',
  '**/secrets.{json,yml,yaml,toml}',
  '**/service-account*.json',
  '**/*.tfvars',
  '**/.htpasswd',
];
/** Templates of those files are meant to be read and committed. */
const TEMPLATE_GLOBS = ['**/*.{example,sample,template,dist,defaults}'];

export type SecretFileCheck = (rel: string) => boolean;

/** True for a path that looks like a secrets file and is not allowed by `allowSecretFiles`. */
export function secretFileCheck(allowSecretFiles: readonly string[]): SecretFileCheck {
  const options = { dot: true, nocase: true };
  const secret = picomatch(SECRET_GLOBS, options);
  const template = picomatch(TEMPLATE_GLOBS, options);
  const allowed = allowSecretFiles.length > 0 ? picomatch([...allowSecretFiles], { dot: true }) : () => false;
  return (rel) => secret(rel) && !template(rel) && !allowed(rel);
}

/** The refusal the model gets, saying how a user would allow it. */
export function secretFileRefusal(rel: string): string {
  return (
    `${rel} looks like a secrets file (dotenv, key or credentials), so agents may not read it. ` +
    `If it holds no secrets, the user can allow it with "allowSecretFiles": ["${rel}"] in the maestro config.`
  );
}
