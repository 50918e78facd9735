/**
 * The API on Node's HTTP server, with the limits a server on a shared machine needs (issue 10: idle
 * sockets were kept forever and any number of connections accepted). Used by `lmplan serve`, the
 * tests and the bench, so all three run the same server.
 */
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import { isIP } from "node:net";
import type { Hono } from "hono";
import { invalid, type Issue } from "../errors.js";

/** Limits on connections and slow clients; each is a Node http.Server setting. */
export const SERVER_LIMITS = {
  /** A client must send its headers within this (slowloris). */
  headersTimeoutMs: 10_000,
  /** …and the whole request, body included, within this (a 5 MB body on a slow link). */
  requestTimeoutMs: 60_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** A socket with no traffic at all is closed after this. */
  socketIdleMs: 120_000,
  /** Connections beyond this are refused by the kernel's backlog, not held. */
  maxConnections: 256,
};

/** A bind address lmplan can listen on: an IP literal or "localhost"; otherwise the issue naming it. */
export function checkBindHost(host: string): Issue | undefined {
  if (host === "localhost" || isIP(host) !== 0) return undefined;
  return invalid("host", 'an IP address to bind, e.g. 127.0.0.1 (this machine only), ::1, or 0.0.0.0 (every interface); or "localhost"', host);
}

/** Listen on host:port; resolves once listening (with the port, for port 0) or rejects with the listen error. */
export function listen(app: Hono, port: number, host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => resolve({ server, port: info.port })) as Server;
    server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
    server.requestTimeout = SERVER_LIMITS.requestTimeoutMs;
    server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;
    server.maxConnections = SERVER_LIMITS.maxConnections;
    server.setTimeout(SERVER_LIMITS.socketIdleMs, (socket) => socket.destroy());
    server.once("error", reject);
  });
}
