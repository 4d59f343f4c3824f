import os from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

/**
 * argon2id with the library defaults (m = 19 MiB, t = 2, p = 1: OWASP's recommended minimum).
 *
 * Each hash runs on libuv's thread pool (four threads) and holds its 19 MiB while it runs. More
 * hashes at once than the machine has cores are no faster, and each adds its memory: on two
 * cores, 100 sign-ins at once raised the process's RSS by 74–79 MB with four hashes at a time and
 * by 38–41 MB with two, in the same 0.58–0.71 s (bench/README.md, stop 26). So at most one hash
 * per core runs; the others wait their turn (a burst of sign-ins also leaves the pool's other
 * threads to file reads and DNS).
 */
const argon = pLimit(Math.max(1, os.availableParallelism()));

/** Hashes running and waiting now (tests; a burst of sign-ins queues here). */
export function passwordWork(): { running: number; waiting: number } {
  return { running: argon.activeCount, waiting: argon.pendingCount };
}

export async function hashPassword(plain: string): Promise<string> {
  return argon(() => hash(plain));
}

export async function verifyPassword(passwordHash: string, plain: string): Promise<boolean> {
  try {
    return await argon(() => verify(passwordHash, plain));
  } catch {
    return false;
  }
}

/** Verified against when the login is unknown, so that timing does not reveal which logins exist. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password');
  return dummyHash;
}
