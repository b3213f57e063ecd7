// The in-process egress guard. Installed first by every entry point (CLI, app, tests) so that
// no code path, ours or a dependency's, can open a network socket, resolve a name or fetch.
// Local pipes (Unix sockets, Windows named pipes) stay open: Electron and workers need them.
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

export class EgressBlockedError extends Error {
  constructor(public readonly channel: string, public readonly target: string) {
    super(`Airlock is offline: blocked ${channel} to ${target || '(unknown)'}. Nothing leaves this machine.`);
    this.name = 'EgressBlockedError';
  }
}

export interface EgressAttempt {
  channel: string;
  target: string;
  at: string;
}

const attempts: EgressAttempt[] = [];
const listeners = new Set<(a: EgressAttempt) => void>();
let installed = false;

export function egressAttempts(): readonly EgressAttempt[] {
  return attempts;
}

export function onEgressAttempt(fn: (a: EgressAttempt) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function isEgressGuardInstalled(): boolean {
  return installed;
}

function block(channel: string, target: string): never {
  const attempt = { channel, target, at: new Date().toISOString() };
  attempts.push(attempt);
  for (const fn of listeners) {
    try {
      fn(attempt);
    } catch {
      /* a listener must never un-block the attempt */
    }
  }
  throw new EgressBlockedError(channel, target);
}

/** True when connect() arguments name a local pipe rather than a host and port. */
function isLocalPipe(args: unknown[]): boolean {
  const first = args[0];
  if (typeof first === 'string' && Number.isNaN(Number(first))) return true; // net.connect(path)
  if (Array.isArray(first)) return isLocalPipe(first); // internal normalized args
  if (first && typeof first === 'object' && 'path' in first && typeof (first as { path: unknown }).path === 'string') {
    return !('port' in first) || (first as { port?: unknown }).port === undefined;
  }
  return false;
}

function describe(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first && typeof first === 'object') {
    const o = first as { host?: string; hostname?: string; port?: number; href?: string };
    return o.href ?? `${o.host ?? o.hostname ?? 'localhost'}:${o.port ?? ''}`;
  }
  return args.filter((a) => typeof a !== 'function').map(String).join(':');
}

export function installEgressGuard(): void {
  if (installed) return;
  installed = true;

  const origConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    if (!isLocalPipe(args)) block('socket', describe(args));
    return (origConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  const guardTls = (...args: unknown[]) => block('tls', describe(args));
  Object.defineProperty(tls, 'connect', { value: guardTls, configurable: true, writable: true });

  for (const mod of [http, https] as const) {
    const name = mod === http ? 'http' : 'https';
    const guard = (...args: unknown[]) => block(name, describe(args));
    Object.defineProperty(mod, 'request', { value: guard, configurable: true, writable: true });
    Object.defineProperty(mod, 'get', { value: guard, configurable: true, writable: true });
  }

  const dnsNames = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname',
    'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'resolvePtr', 'resolveNaptr', 'resolveSoa', 'reverse'] as const;
  for (const fn of dnsNames) {
    const guard = (...args: unknown[]) => block('dns', String(args[0] ?? ''));
    Object.defineProperty(dns, fn, { value: guard, configurable: true, writable: true });
    if (fn in dns.promises) Object.defineProperty(dns.promises, fn, { value: guard, configurable: true, writable: true });
  }
  const ResolverProto = dns.Resolver.prototype as unknown as Record<string, unknown>;
  for (const fn of dnsNames) {
    if (fn in ResolverProto) ResolverProto[fn] = (...args: unknown[]) => block('dns', String(args[0] ?? ''));
  }

  const origCreateSocket = dgram.createSocket;
  Object.defineProperty(dgram, 'createSocket', {
    value: (...args: unknown[]) => {
      const sock = (origCreateSocket as (...a: unknown[]) => dgram.Socket)(...args);
      sock.send = ((..._a: unknown[]) => block('udp', 'send')) as typeof sock.send;
      sock.connect = ((...a: unknown[]) => block('udp', describe(a))) as typeof sock.connect;
      return sock;
    },
    configurable: true,
    writable: true,
  });

  const guardFetch = (input: unknown) => {
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : String((input as { url?: string })?.url ?? input);
    return Promise.reject(block('fetch', target));
  };
  // fetch is rejected as a promise, the way fetch reports failures, but the attempt is still counted.
  globalThis.fetch = ((input: unknown) => {
    try {
      return guardFetch(input);
    } catch (e) {
      return Promise.reject(e);
    }
  }) as typeof fetch;
  if ('WebSocket' in globalThis) {
    Object.defineProperty(globalThis, 'WebSocket', {
      value: function BlockedWebSocket(url: unknown) {
        block('websocket', String(url));
      },
      configurable: true,
      writable: true,
    });
  }
}
