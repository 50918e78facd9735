// Issue 10's server defects, each as a regression test named after it: a request that froze the server,
// fits that held the event loop, 500s from malformed bodies, and a server any web page could reach.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.js";
import { FitQueue } from "../../src/server/fit-queue.js";
import { checkBindHost, listen, SERVER_LIMITS } from "../../src/server/node.js";
import { jsonDepth } from "../../src/json.js";

const app = createApp({ "/": { body: "<!doctype html><title>lmplan</title>", type: "text/html; charset=utf-8" } });
const post = (path: string, body: string, type = "application/json", headers: Record<string, string> = {}) =>
  app.request(path, { method: "POST", body, headers: { "Content-Type": type, ...headers } });
const messages = async (res: Response) => ((await res.json()) as { errors: { path: string; message: string }[] }).errors;
// 5,000 synthetic runs on a Chinchilla-shaped surface (the most a fit over HTTP takes)
const manyRuns = `N,D,loss\n${Array.from({ length: 5000 }, (_, i) => {
  const N = 1e8 * 2 ** (i % 10);
  const D = 2e9 * 2 ** ((i * 7) % 11);
  return `${N},${D},${(1.8 + 480 / N ** 0.34 + 2000 / D ** 0.37) * (1 + 0.002 * Math.sin(i))}`;
}).join("\n")}\n`;
// 60 of the 245 runs: a real fit (4,500 L-BFGS starts) in a fraction of a second
const chinchilla = readFileSync(new URL("../../data/chinchilla_svg_extracted_data.csv", import.meta.url), "utf8").split("\n").slice(0, 61).join("\n");

describe("one small request froze the server", () => {
  it("a 382-byte /api/emit request with '1' + 300 zeros + 'xh100' GPUs answers 400 at once", async () => {
    const body = JSON.stringify({ format: "megatron", request: { params: "125M", tpp: 20, gpu: `1${"0".repeat(300)}xh100` }, gpus: 7 });
    const res = await post("/api/emit", body);
    expect(res.status).toBe(400);
    const e = (await messages(res))[0];
    expect(e?.path).toBe("gpu");
    expect(e?.message).toMatch(/received "1000000000.*… \(306 characters\)$/); // named, not echoed in full
  });
  it("1e300 GPUs inside --gpu NxH100 are refused by /api/plan (they planned without complaint)", async () => {
    const res = await post("/api/plan", JSON.stringify({ params: "125M", tpp: 20, gpu: "1000000000xh100" }));
    expect(res.status).toBe(400);
    expect((await messages(res))[0]?.message).toMatch(/^gpu: expected a GPU count ≤ 1e6 before the accelerator/);
    const big = await post("/api/plan", JSON.stringify({ params: "125M", tpp: 20, gpu: `${"9".repeat(40)}xh100` }));
    expect((await messages(big))[0]?.path).toBe("gpu");
  });
  it("params = '1' + 64k letters + '!' is refused without backtracking (took 10.9 s)", async () => {
    const res = await post("/api/plan", JSON.stringify({ params: `1${"a".repeat(65536)}!`, tpp: 20 }));
    expect(res.status).toBe(400);
    expect((await messages(res))[0]?.path).toBe("params");
  });
  it("upsampleFinal with 2,000 spaces is refused without cubic backtracking (took 6.2 s)", async () => {
    for (const spec of [`0.15:${" ".repeat(1990)}x`, `0.15:x${" ".repeat(1990)}@`, `${" ".repeat(5000)}`]) {
      const res = await post("/api/plan", JSON.stringify({ params: "125M", tpp: 20, dataSources: "slimpajama-627b", upsampleFinal: spec }));
      expect(res.status).toBe(400);
    }
  });
  it("JSON nested 5,000 deep is a 400 naming the depth limit (was a 500)", async () => {
    for (const [path, body] of [
      ["/api/plan", `${"[".repeat(5000)}${"]".repeat(5000)}`],
      ["/api/emit", `{"format":"megatron","plan":${"{\"a\":".repeat(5000)}1${"}".repeat(5000)}}`],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect((await messages(res))[0]?.message).toMatch(/^body: expected JSON nested at most 32 levels deep/);
    }
  });
  it("jsonDepth skips brackets inside strings and escapes", () => {
    expect(jsonDepth('{"a":"[[[[\\"]]]","b":[1,[2]]}')).toBe(3);
    expect(jsonDepth("[]")).toBe(1);
    expect(jsonDepth('"x"')).toBe(0);
  });
});

describe("fits ran on the event loop", () => {
  it("GET /api/laws answers while fits of the Chinchilla CSV are running (a fit held every request for 5–12 s)", async () => {
    const queue = new FitQueue({ workers: 1, maxQueued: 8, timeoutMs: 120_000 });
    const a = createApp({}, { fitQueue: queue });
    try {
      const order: string[] = [];
      const fits = [0, 1].map((i) =>
        Promise.resolve(a.request("/api/fit?bootstrap=0", { method: "POST", body: chinchilla, headers: { "Content-Type": "text/csv" } })).then((r) => {
          order.push(`fit${i}:${r.status}`);
        }),
      );
      const laws = Promise.resolve(a.request("/api/laws")).then((r) => order.push(`laws:${r.status}`));
      await Promise.all([...fits, laws]);
      // the fits were queued on a worker; the laws request was answered before either finished
      expect(order[0]).toBe("laws:200");
      expect(order.slice(1).sort()).toEqual(["fit0:200", "fit1:200"]);
    } finally {
      await queue.close();
    }
  });
  it("more fits than the queue holds get 429 with Retry-After, not an unbounded wait", async () => {
    const queue = new FitQueue({ workers: 1, maxQueued: 1, timeoutMs: 120_000 });
    const a = createApp({}, { fitQueue: queue });
    try {
      const statuses = await Promise.all(
        [0, 1, 2, 3].map(async () => {
          const r = await a.request("/api/fit?bootstrap=0", { method: "POST", body: chinchilla, headers: { "Content-Type": "text/csv" } });
          return { status: r.status, retry: r.headers.get("retry-after") };
        }),
      );
      expect(statuses.filter((s) => s.status === 200)).toHaveLength(2); // one running, one waiting
      expect(statuses.filter((s) => s.status === 429).every((s) => s.retry === "5")).toBe(true);
      expect(statuses.filter((s) => s.status === 429)).toHaveLength(2);
    } finally {
      await queue.close();
    }
  });
  it("a fit past the time limit is stopped (503) and the next fit gets a fresh worker", async () => {
    // 1.5 s: far past a fresh worker's start-up, far short of a fit of 5,000 runs (4,500 L-BFGS starts over
    // 20× the Chinchilla data: about a minute on one core here, so still many seconds on a fast machine)
    const queue = new FitQueue({ workers: 1, maxQueued: 4, timeoutMs: 1500 });
    try {
      const slow = await queue.run({ text: manyRuns, mediaType: "text/csv", bootstrap: 0 });
      expect(slow.status).toBe(503);
      const fast = await queue.run({ text: "N,D,loss\n1e9,2e10,3\n", mediaType: "text/csv", bootstrap: 0 });
      expect(fast.status).toBe(400); // answered by a new worker: one run is too few to fit
      expect(queue.load).toEqual({ running: 0, queued: 0 });
    } finally {
      await queue.close();
    }
  });
  it("a fit whose runs × resamples exceed the work limit is refused before it starts", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${1e8 * (1 + (i % 30))},${1e10 * (1 + (i % 17))},${2 + (i % 7) / 10}`).join("\n");
    const res = await post("/api/fit?bootstrap=1000", `N,D,loss\n${rows}\n`, "text/csv");
    expect(res.status).toBe(400);
    expect((await messages(res))[0]?.message).toMatch(/^bootstrap: expected at most \d+ resamples for 3000 runs/);
  });
});

describe("malformed bodies gave 500s", () => {
  it('{"format":"megatron","plan":{"lmplanPlanVersion":1},"gpus":7} is a 400 naming a plan field (was a 500)', async () => {
    const res = await post("/api/emit", JSON.stringify({ format: "megatron", plan: { lmplanPlanVersion: 1 }, gpus: 7 }));
    expect(res.status).toBe(400);
    expect((await messages(res))[0]?.path).toMatch(/^plan/);
  });
  it("errors carry code, path, expected and received as data, and the message as text", async () => {
    const res = await post("/api/plan", JSON.stringify({ params: "-3B" }));
    const e = ((await res.json()) as { errors: Record<string, string>[] }).errors[0];
    expect(e).toMatchObject({ path: "params", code: "invalid_value", received: '"-3B"' });
    expect(e?.expected).toMatch(/positive parameter count/);
  });
});

describe("any web page could reach the server", () => {
  it("a Host header naming another site (DNS rebinding) is refused with 403", async () => {
    const res = await app.request("http://evil.example:8787/api/laws");
    expect(res.status).toBe(403);
    expect((await messages(res))[0]?.message).toMatch(/^host: expected this server's own name/);
    expect((await app.request("http://127.0.0.1:8787/api/laws")).status).toBe(200);
    expect((await app.request("http://[::1]:8787/api/laws")).status).toBe(200);
    const named = createApp({}, { allowedHosts: ["planner.lab.internal"] });
    expect((await named.request("http://planner.lab.internal/api/laws")).status).toBe(200);
  });
  it("a POST without a JSON Content-Type (a cross-origin 'simple' form or text/plain POST) is refused with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
      const res = await app.request("/api/plan", { method: "POST", body: '{"params":"1.3B","tpp":20}', headers: type ? { "Content-Type": type } : {} });
      expect(res.status).toBe(415);
      expect((await messages(res))[0]?.path).toBe("content-type");
    }
    const fit = await app.request("/api/fit", { method: "POST", body: "N,D,loss\n", headers: { "Content-Type": "text/plain" } });
    expect(fit.status).toBe(415);
    expect((await post("/api/plan", '{"params":"1.3B","tpp":20}', "application/json; charset=utf-8")).status).toBe(200);
  });
  it("the Node server closes idle sockets and caps connections", async () => {
    const { server, port } = await listen(createApp(), 0, "127.0.0.1");
    try {
      expect(port).toBeGreaterThan(0);
      expect(server.headersTimeout).toBe(SERVER_LIMITS.headersTimeoutMs);
      expect(server.keepAliveTimeout).toBe(SERVER_LIMITS.keepAliveTimeoutMs);
      expect(server.maxConnections).toBe(SERVER_LIMITS.maxConnections);
      expect(server.timeout).toBe(SERVER_LIMITS.socketIdleMs);
      const res = await fetch(`http://127.0.0.1:${port}/api/laws`);
      expect(res.status).toBe(200);
    } finally {
      server.close();
    }
  });
  it("serve --host with a bad address is refused by name before listening (was exit 1)", () => {
    expect(checkBindHost("not a host")?.path).toEqual(["host"]);
    expect(checkBindHost("127.0.0.1")).toBeUndefined();
    expect(checkBindHost("::")).toBeUndefined();
  });
});

describe("the CLI's shells exit 2 on bad input, never 1", () => {
  const cli = async (args: string[]) => {
    let err = "";
    const code = await main(args, { out: () => undefined, err: (s) => (err += s), readStdin: () => "" });
    return { code, err };
  };
  it("serve --host with a bad address exits 2 naming the host (was exit 1: getaddrinfo ENOTFOUND)", async () => {
    const r = await cli(["serve", "--host", "not a host", "--port", "0"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lmplan: host: expected an IP address to bind/);
  });
  it("plan --input with JSON nested 5,000 deep exits 2 (was exit 1: maximum call stack size exceeded)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lmplan-deep-"));
    try {
      const f = join(dir, "deep.json");
      writeFileSync(f, `{"params":${"[".repeat(5000)}${"]".repeat(5000)}}`);
      const r = await cli(["plan", "--input", f]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^lmplan: input: expected JSON nested at most 32 levels deep/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("plan --params 300T is an error naming the reachable sizes, not a tiny model", async () => {
    const r = await cli(["plan", "--params", "300T", "--tpp", "20"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lmplan: params: expected a size lmplan's shape rule can reach with the btlm block .*29\.63M … 64\.44T parameters/);
  });
  it("a file the user names that cannot be read exits 2 naming the path", async () => {
    const r = await cli(["plan", "--input", "/nonexistent/req.json"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\/nonexistent\/req\.json/);
  });
});
