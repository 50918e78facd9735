// The UI in a real browser: Debian's chromium driven by playwright-core against `lmplan serve`'s app.
// Runs whenever /usr/bin/chromium exists; under CI (which installs it) a missing browser is a failure.
import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/server/app.js";
import { findWebDir, loadStatic } from "../src/server/static.js";

const CHROMIUM = "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);
if (process.env.CI && !haveBrowser) throw new Error(`CI must install chromium (${CHROMIUM}) for the browser tests`);

describe.skipIf(!haveBrowser)("web UI in chromium", () => {
  let server: ServerType;
  let browser: Browser;
  let page: Page;
  let base = "";

  beforeAll(async () => {
    const dir = findWebDir(new URL("../src/server/static.ts", import.meta.url).href);
    if (!dir) throw new Error("dist/web is missing: npm run build first");
    const app = createApp(loadStatic(dir));
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(base);
    await page.waitForSelector('[data-testid="plot-schedule"] svg');
    expect(errors).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  it("the planner renders a plan, its plots, and a page that is not blank (screenshot)", async () => {
    expect(await page.textContent('[data-testid="plan-title"]')).toMatch(/1\.29\dB-parameter model/);
    for (const id of ["plot-schedule", "plot-ema", "plot-loss", "plot-laws", "plot-memory"]) expect(await page.locator(`[data-testid="${id}"] svg`).count()).toBeGreaterThanOrEqual(1);
    const png = (await page.screenshot({ fullPage: false })).toString("base64");
    // count the non-white pixels of the screenshot in the page's own canvas
    const inked = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement("canvas");
      [c.width, c.height] = [img.width, img.height];
      const ctx = c.getContext("2d");
      if (!ctx) return 0;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if ((d[i] as number) < 200 || (d[i + 1] as number) < 200 || (d[i + 2] as number) < 200) n++;
      return n / (c.width * c.height);
    }, png);
    // text, tables and four charts ink ≈ 3% of the viewport; a blank page inks 0
    expect(inked).toBeGreaterThan(0.015);
  });

  it("changing the budget re-plans and redraws the schedule, fast", async () => {
    const before = await page.textContent('[data-testid="plan-tables"]');
    const pathBefore = await page.getAttribute('[data-testid="plot-schedule"] g[aria-label="line"] path', "d");
    const times: number[] = [];
    const plotTimes: number[] = [];
    for (const v of ["7B", "3B", "13B"]) {
      const old = await page.textContent('[data-testid="plan-title"]');
      await page.fill('input[name="params"]', v);
      await page.waitForFunction((t) => document.querySelector('[data-testid="plan-title"]')?.textContent !== t, old);
      times.push(Number(await page.getAttribute('[data-testid="recompute-ms"]', "data-ms")));
      await page.waitForFunction(() => {
        const el = document.querySelector<HTMLElement>('[data-testid="recompute-ms"]');
        return el?.textContent?.includes("charts") ?? false;
      });
      plotTimes.push(Number(await page.getAttribute('[data-testid="recompute-ms"]', "data-plot-ms")));
    }
    expect(await page.textContent('[data-testid="plan-tables"]')).not.toBe(before);
    expect(await page.getAttribute('[data-testid="plot-schedule"] g[aria-label="line"] path', "d")).not.toBe(pathBefore);
    times.sort((a, b) => a - b);
    plotTimes.sort((a, b) => a - b);
    // the figures the issue asks for (charts: schedule, EMA, loss, η/B/λ across 9 sizes, memory), printed (a benchmark, not an assertion)
    console.log(`UI after an input change: plan + tables median ${times[1]?.toFixed(1)} ms (max ${times[2]?.toFixed(1)}); the 5 charts, next frame, median ${plotTimes[1]?.toFixed(1)} ms`);
    // a bad value shows the CLI's message instead of a plan
    await page.fill('input[name="params"]', "-3B");
    await expect.poll(() => page.textContent('[data-testid="plan-errors"]')).toMatch(/params: expected a positive parameter count/);
    await page.fill('input[name="params"]', "1.3B");
  });

  it("a number's derivation and citation show on click", async () => {
    await page.click('[data-testid="plan-tables"] td.num >> nth=0');
    expect(await page.textContent('[data-testid="derivation"]')).toMatch(/source:/);
  });

  it("uploading the shipped Chinchilla CSV shows the fitted parameters", async () => {
    await page.goto(`${base}/#fit`);
    await page.setInputFiles('[data-testid="fit-file"]', { name: "chinchilla.csv", mimeType: "text/csv", buffer: readFileSync(new URL("../data/chinchilla_svg_extracted_data.csv", import.meta.url)) });
    await page.waitForSelector('[data-testid="fit-result"] td[data-param="E"]', { timeout: 60_000 });
    const E = Number(await page.textContent('[data-testid="fit-result"] td[data-param="E"]'));
    expect(E).toBeGreaterThan(1.7);
    expect(E).toBeLessThan(2.0);
    expect(await page.locator('[data-testid="plot-fit"] svg').count()).toBe(1);
    await page.waitForSelector('[data-testid="plot-fit-residuals"] svg');
    expect(await page.locator('[data-testid="plot-fit-residuals"] g[aria-label="dot"] circle').count()).toBe(245);
    // "plan with these laws": the planner's loss now comes from the fit
    await page.click('[data-testid="fit-use"]');
    await expect.poll(() => page.textContent('[data-testid="plan-tables"]')).toMatch(/fitted:loss|fitted/);
  }, 90_000);

  it("downloads a Megatron config", async () => {
    await page.goto(`${base}/#emit`);
    await page.waitForSelector('[data-testid="emit-format"] option[value="megatron"]', { state: "attached" });
    await page.selectOption('[data-testid="emit-format"]', "megatron");
    await page.click('[data-testid="emit-go"]');
    await page.waitForFunction(() => (document.querySelector('[data-testid="emit-text"]')?.textContent ?? "").startsWith("#!/usr/bin/env bash"));
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="emit-download"]')]);
    expect(download.suggestedFilename()).toBe("train.sh");
    const path = await download.path();
    expect(readFileSync(path, "utf8")).toMatch(/^#!\/usr\/bin\/env bash[\s\S]*--train-iters \d+/);
    expect(await page.textContent('[data-testid="emit-notes"]')).toMatch(/schedule:/);
  });
});
