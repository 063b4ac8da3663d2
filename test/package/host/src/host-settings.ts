/** What the package test hands the host through its environment. */
export interface HostSettings {
  /** PostgreSQL when set (HOST_DATABASE_URL), else the SQLite file HOST_DATABASE. */
  database: { type: 'postgres'; url: string } | { type: 'sqlite'; database: string };
  encryptionKey: Buffer;
  jwtSecret: Buffer;
  /** The host's own token secret: its users never see a vault token. */
  hostTokenSecret: Buffer;
}

export function hostSettings(): HostSettings {
  const url = process.env.HOST_DATABASE_URL;
  return {
    database: url
      ? { type: 'postgres', url }
      : { type: 'sqlite', database: required('HOST_DATABASE') },
    encryptionKey: Buffer.from(required('HOST_ENCRYPTION_KEY'), 'base64'),
    jwtSecret: Buffer.from(required('HOST_JWT_SECRET'), 'base64'),
    hostTokenSecret: Buffer.from(required('HOST_TOKEN_SECRET'), 'base64'),
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}
