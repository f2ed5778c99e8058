import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

/** One account of strict mode: the access key a client signs with, its secret, and the account it acts as. */
export interface Account {
  accessKeyId: string;
  secretAccessKey: string;
  /** 12 digits; what appears in ARNs and queue URLs of the account's resources. */
  accountId: string;
  name: string;
}

/**
 * Reads the accounts file of strict mode: a JSON array of `{ accessKeyId, secretAccessKey, accountId, name }` (or an
 * object with such an `accounts` array). The file holds secrets, so it must be readable by its owner only (mode
 * 0600 or stricter). Throws a readable Error naming the file and every problem found.
 */
export function loadAccounts(file: string): Account[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new Error(`cannot read the accounts file ${file}: ${(err as Error).message}`);
  }
  if (!stat.isFile()) throw new Error(`the accounts file ${file} is not a regular file`);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new Error(`the accounts file ${file} holds secret keys and must be readable by its owner only (chmod 600 ${file}); its mode is ${(stat.mode & 0o777).toString(8).padStart(4, '0')}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`the accounts file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { accounts?: unknown } | null)?.accounts;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(`the accounts file ${file} must hold a non-empty JSON array of { accessKeyId, secretAccessKey, accountId, name } (or { "accounts": [...] })`);
  }
  const problems: string[] = [];
  const keys = new Set<string>();
  const accounts: Account[] = [];
  list.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const where = `entry ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${where} is not an object`);
      return;
    }
    for (const field of ['accessKeyId', 'secretAccessKey', 'accountId', 'name']) {
      if (typeof e[field] !== 'string' || !(e[field] as string).length) problems.push(`${where}: ${field} must be a non-empty string`);
    }
    const unknown = Object.keys(e).filter((k) => !['accessKeyId', 'secretAccessKey', 'accountId', 'name'].includes(k));
    if (unknown.length) problems.push(`${where}: unknown field(s) ${unknown.join(', ')}`);
    if (typeof e.accessKeyId === 'string') {
      if (!/^[A-Za-z0-9]{3,128}$/.test(e.accessKeyId)) problems.push(`${where}: accessKeyId must be 3-128 letters and digits`);
      if (keys.has(e.accessKeyId)) problems.push(`${where}: accessKeyId ${e.accessKeyId} is listed twice`);
      keys.add(e.accessKeyId);
    }
    if (typeof e.accountId === 'string' && !/^\d{12}$/.test(e.accountId)) problems.push(`${where}: accountId must be 12 digits, got ${e.accountId}`);
    accounts.push({ accessKeyId: e.accessKeyId as string, secretAccessKey: e.secretAccessKey as string, accountId: e.accountId as string, name: e.name as string });
  });
  if (problems.length) throw new Error(`invalid accounts file ${file}: ${problems.join('; ')}`);
  return accounts;
}

/**
 * Credentials lambkin gives the functions of each account (strict mode), so their SDK calls act as that account:
 * one key per account, with a secret made at start and never written anywhere.
 */
export function functionCredentials(accounts: readonly Account[]): Account[] {
  const byAccount = new Map<string, Account>();
  for (const a of accounts) {
    if (byAccount.has(a.accountId)) continue;
    byAccount.set(a.accountId, {
      accessKeyId: `LKFN${a.accountId}${randomBytes(4).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      accountId: a.accountId,
      name: `functions of ${a.accountId}`,
    });
  }
  return [...byAccount.values()];
}
