import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import zlib from 'node:zlib';
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocket, WebSocketServer } from 'ws';
import type { DispatchScope } from './world.js';

const PRIVILEGED = {
  guildMembers: GatewayIntentBits.GuildMembers,
  presences: GatewayIntentBits.GuildPresences,
  messageContent: GatewayIntentBits.MessageContent,
} as const;
export type PrivilegedIntent = keyof typeof PRIVILEGED;

const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((all, bit) => all | bit, 0);

/** How much of a session's history is kept for RESUME replays. */
const REPLAY_BUFFER = 5000;

interface Payload {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

/**
 * The shard that receives a guild's events: `shard_id = (guild_id >> 22) % num_shards`
 * (discord-api-docs developers/events/gateway.mdx, "Sharding").
 */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** The guild a dispatch belongs to, for routing it to its shard; undefined for events of no guild. */
function guildOfDispatch(event: string, d: unknown): string | undefined {
  const data = d as Record<string, unknown> | null;
  if (typeof data?.guild_id === 'string') return data.guild_id;
  if (event === 'GUILD_CREATE' || event === 'GUILD_UPDATE' || event === 'GUILD_DELETE') return typeof data?.id === 'string' ? data.id : undefined;
  return undefined;
}

export interface GatewayOptions {
  token: () => string;
  /**
   * The fewest shards the bot may IDENTIFY with: Discord requires sharding from 2,500 guilds, at
   * most 2,500 guilds a shard, and closes a session that does not shard enough with 4011
   * "Sharding required" (gateway.mdx, "Sharding"; opcodes-and-status-codes.mdx, close codes).
   */
  requiredShards: () => number;
  heartbeatIntervalMs: number;
  /** Privileged intents the app is allowed in the Developer Portal. */
  allowed: () => Record<PrivilegedIntent, boolean>;
  /** Builds READY and the GUILD_CREATEs for a new session. */
  onIdentified: (session: GatewaySession) => void;
}

/** One connection's framing: plain JSON text, zlib-stream, or per-payload zlib ("identify" compression). */
class Connection {
  session: GatewaySession | undefined;
  identifyCompress = false;
  private readonly deflate: zlib.Deflate | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly ws: WebSocket,
    readonly path: string,
    zlibStream: boolean,
  ) {
    this.deflate = zlibStream ? zlib.createDeflate({ chunkSize: 65536 }) : undefined;
  }

  send(payload: Payload): void {
    const json = JSON.stringify(payload);
    if (this.deflate) {
      const deflate = this.deflate;
      this.chain = this.chain.then(
        () =>
          new Promise<void>((resolve) => {
            const chunks: Buffer[] = [];
            const onData = (c: Buffer) => chunks.push(c);
            deflate.on('data', onData);
            deflate.write(json);
            deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
              deflate.off('data', onData);
              if (this.ws.readyState === WebSocket.OPEN) this.ws.send(Buffer.concat(chunks));
              resolve();
            });
          }),
      );
      return;
    }
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(this.identifyCompress ? zlib.deflateSync(json) : json);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
  }
}

/** A gateway session: its sequence, its intents and the history a RESUME replays. */
export class GatewaySession {
  seq = 0;
  invalid = false;
  connection: Connection | undefined;
  private readonly history: Payload[] = [];

  constructor(
    readonly id: string,
    readonly intents: number,
    readonly shard: [number, number],
  ) {}

  has(intent: number): boolean {
    return (this.intents & intent) === intent;
  }

  dispatch(t: string, d: unknown): void {
    this.seq += 1;
    const payload = { op: GatewayOpcodes.Dispatch, t, s: this.seq, d };
    this.history.push(payload);
    if (this.history.length > REPLAY_BUFFER) this.history.shift();
    this.connection?.send(payload);
  }

  replayAfter(seq: number): void {
    for (const p of this.history) if ((p.s ?? 0) > seq) this.connection?.send(p);
  }
}

/** Strips what the Message Content intent guards, as Discord does for sessions without it. */
function withoutContent(d: unknown): unknown {
  const m = d as Record<string, unknown>;
  const { poll: _poll, ...rest } = m;
  return { ...rest, content: '', embeds: [], attachments: [], components: [] };
}

/**
 * The fake gateway: HELLO, IDENTIFY (token and intents checked), HEARTBEAT/ACK, dispatches with an
 * increasing `s`, RESUME with replay of missed events, and test controls to drop or invalidate sessions.
 */
export class Gateway {
  readonly sessions: GatewaySession[] = [];
  readonly connectionLog: { path: string; at: number }[] = [];
  readonly closeLog: { code: number; reason: string; at: number }[] = [];
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();

  constructor(
    server: Server,
    private readonly opts: GatewayOptions,
  ) {
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (ws, req) => this.accept(ws, req));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'ws://127.0.0.1');
    this.connectionLog.push({ path: url.pathname + url.search, at: Date.now() });
    if (url.searchParams.get('v') !== null && url.searchParams.get('v') !== '10') {
      ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if ((url.searchParams.get('encoding') ?? 'json') !== 'json') {
      ws.close(GatewayCloseCodes.DecodeError, 'This fake only speaks encoding=json');
      return;
    }
    const conn = new Connection(ws, url.pathname, url.searchParams.get('compress') === 'zlib-stream');
    this.connections.add(conn);
    ws.on('message', (data) => this.receive(conn, data as Buffer));
    ws.on('close', (code) => {
      this.connections.delete(conn);
      const session = conn.session;
      if (session && session.connection === conn) {
        session.connection = undefined;
        // A client closing with 1000/1001 ends its session; anything else leaves it resumable.
        if (code === 1000 || code === 1001) session.invalid = true;
      }
    });
    conn.send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.opts.heartbeatIntervalMs } });
  }

  private closeWith(conn: Connection, code: number, reason: string): void {
    this.closeLog.push({ code, reason, at: Date.now() });
    conn.close(code, reason);
  }

  private receive(conn: Connection, data: Buffer): void {
    let payload: Payload;
    try {
      payload = JSON.parse(data.toString('utf8')) as Payload;
    } catch {
      return this.closeWith(conn, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
    }
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        return conn.send({ op: GatewayOpcodes.HeartbeatAck, d: null });
      case GatewayOpcodes.Identify:
        return this.identify(conn, payload.d as Record<string, unknown>);
      case GatewayOpcodes.Resume:
        return this.resume(conn, payload.d as Record<string, unknown>);
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!conn.session) return this.closeWith(conn, GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        return this.closeWith(conn, GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private identify(conn: Connection, d: Record<string, unknown>): void {
    if (conn.session) return this.closeWith(conn, GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
    if (d?.token !== this.opts.token()) return this.closeWith(conn, GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
    const intents = Number(d.intents);
    if (!Number.isInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) {
      return this.closeWith(conn, GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
    }
    const allowed = this.opts.allowed();
    for (const [name, bit] of Object.entries(PRIVILEGED)) {
      if ((intents & bit) !== 0 && !allowed[name as PrivilegedIntent]) {
        return this.closeWith(conn, GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      }
    }
    const [shardId = 0, shardCount = 1] = Array.isArray(d.shard) ? (d.shard as number[]) : [];
    if (shardId >= shardCount) return this.closeWith(conn, GatewayCloseCodes.InvalidShard, 'Invalid shard.');
    if (shardCount < this.opts.requiredShards()) return this.closeWith(conn, GatewayCloseCodes.ShardingRequired, 'Sharding required.');
    conn.identifyCompress = d.compress === true;
    const session = new GatewaySession(randomBytes(16).toString('hex'), intents, [shardId, shardCount]);
    session.connection = conn;
    conn.session = session;
    this.sessions.push(session);
    this.opts.onIdentified(session);
  }

  private resume(conn: Connection, d: Record<string, unknown>): void {
    const session = this.sessions.find((s) => s.id === d?.session_id);
    const seq = Number(d?.seq ?? 0);
    if (d?.token !== this.opts.token()) return this.closeWith(conn, GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
    if (!session || session.invalid || seq > session.seq) {
      conn.send({ op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    session.connection?.close(4000, 'Session resumed elsewhere');
    session.connection = conn;
    conn.session = session;
    session.replayAfter(seq);
    session.dispatch('RESUMED', null);
  }

  /** Sends a dispatch to every live session whose intents allow it. */
  broadcast(event: string, data: unknown, scope: DispatchScope & { perSession?: (s: GatewaySession) => unknown }): void {
    for (const session of this.sessions) {
      if (session.invalid) continue;
      if (scope.intent !== null && !session.has(scope.intent)) continue;
      const guildId = guildOfDispatch(event, data);
      // A guild's events go to its shard only; events of no guild (DMs) to shard 0.
      if (shardOf(guildId ?? '0', session.shard[1]) !== session.shard[0]) continue;
      let d = scope.perSession ? scope.perSession(session) : data;
      if (scope.contentGated && !session.has(GatewayIntentBits.MessageContent)) d = withoutContent(d);
      session.dispatch(event, d);
    }
  }

  /**
   * Cuts every gateway connection. By default the TCP connection just dies (the client sees 1006 and
   * resumes); pass a close code to close cleanly with it instead (e.g. 4000 resumes, 1000 re-identifies).
   */
  dropConnections(code?: number): void {
    for (const conn of this.connections) {
      if (code === undefined) conn.ws.terminate();
      else this.closeWith(conn, code, 'Dropped by test');
    }
  }

  /** Sends op 7 RECONNECT, as Discord does before moving a session. */
  requestReconnect(): void {
    for (const conn of this.connections) if (conn.session) conn.send({ op: GatewayOpcodes.Reconnect, d: null });
  }

  /** Makes every existing session unresumable: a RESUME then gets op 9 INVALID_SESSION (false). */
  invalidateSessions(): void {
    for (const s of this.sessions) s.invalid = true;
  }

  get liveConnections(): number {
    return [...this.connections].filter((c) => c.session && c.ws.readyState === WebSocket.OPEN).length;
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
