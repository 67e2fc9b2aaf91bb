// Shared helpers for the browser tests: start the local system (the dev
// server), launch Debian's Chromium through playwright-core, run axe.
//
// The dev server is built once (go build) and started as a child process in
// its own process group with a temporary -data directory and a free port;
// stop() sends it Ctrl-C (SIGINT) so it stops DynamoDB Local and the SES
// server it started, and kills the group if it has not gone in 20 seconds.
//
// MAPPA_APP_URL=http://127.0.0.1:8080/ uses an already running server instead.

import assert from 'node:assert/strict'
import { spawn, execFile } from 'node:child_process'
import { mkdtemp, rm, mkdir, access } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const screenshotDir = process.env.MAPPA_SCREENSHOT_DIR || '/tmp/mappa-screenshots'

const run = promisify(execFile)

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

async function freePort () {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

async function exists (p) {
  try { await access(p); return true } catch { return false }
}

/**
 * Starts the dev server and resolves with { url, stop, output }.
 * url ends with "/".
 */
/**
 * Starts the dev server. now (an RFC 3339 time) starts the functions' clock
 * there (the dev server's -now flag), so a test's dates and times of day do
 * not depend on when it runs.
 */
export async function startDevServer ({ timeoutMs = 240000, now } = {}) {
  if (process.env.MAPPA_APP_URL) {
    const url = process.env.MAPPA_APP_URL.replace(/\/?$/, '/')
    return { url, stop: async () => {}, output: () => '' }
  }
  const work = await mkdtemp(path.join(tmpdir(), 'mappa-browser-'))
  const bin = path.join(work, 'devserver')
  const data = path.join(work, 'data')
  await mkdir(data)
  await run('go', ['build', '-o', bin, './infra/devserver'], { cwd: repoRoot, maxBuffer: 16 << 20, timeout: timeoutMs })
  const port = await freePort()
  const child = spawn(bin, ['-addr', `127.0.0.1:${port}`, '-data', data, ...(now ? ['-now', now] : [])], {
    cwd: repoRoot,
    detached: true, // its own process group, so stop() reaches its children too
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let exited = false
  const gone = new Promise((resolve) => child.on('exit', () => { exited = true; resolve() }))

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev server did not print its URL in ${timeoutMs} ms:\n${out.slice(-4000)}`)), timeoutMs)
    const onData = (chunk) => {
      out += chunk
      const m = out.match(/App:\s*(http:\/\/127\.0\.0\.1:\d+\/?)/)
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/?$/, '/')) }
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`dev server exited (${code}) before it was ready:\n${out.slice(-4000)}`)) })
  }).catch(async (err) => {
    try { process.kill(-child.pid, 'SIGKILL') } catch {}
    await rm(work, { recursive: true, force: true })
    throw err
  })

  async function stop () {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGINT') } catch {}
      const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL') } catch {} }, 20000)
      await gone
      clearTimeout(t)
    }
    await rm(work, { recursive: true, force: true })
  }
  return { url, stop, output: () => out }
}

/** Launches Chromium with a fresh profile (playwright makes a new empty user-data dir per launch). */
export async function launchBrowser () {
  const { chromium } = await import('playwright-core')
  return await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS
  })
}

/**
 * A page in a new context that records console errors, page errors and CSP
 * violations (asserted empty by the tests).
 */
export async function newPage (browser, { viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  const problems = []
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`) })
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  return { context, page, problems }
}

/** Runs axe with the WCAG 2.x A/AA tags; returns violations formatted for a message. */
export async function axeViolations (page) {
  const { AxeBuilder } = await import('@axe-core/playwright')
  const res = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()
  return res.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`)
}

/** Fails with axe's violations on the page (WCAG 2.x A/AA), naming what the page is. */
export async function assertNoAxe (page, what) {
  const v = await axeViolations(page)
  assert.deepEqual(v, [], `axe on ${what}:\n${v.join('\n')}`)
}

export async function screenshot (page, name) {
  await mkdir(screenshotDir, { recursive: true })
  const file = path.join(screenshotDir, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

/**
 * Signs in through the dev issuer's page as the first demo user whose role
 * hint is exactly roleName ("Business support officer").
 */
export async function signInAs (page, appUrl, roleName) {
  await page.goto(appUrl)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/dev\/auth\/oauth2\/authorize/)
  const item = page.locator('.govuk-radios__item').filter({ has: page.locator('.govuk-radios__hint', { hasText: new RegExp(`^\\s*${roleName}\\s*$`) }) }).first()
  await item.locator('input[type=radio]').check()
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/dev/auth/') && !u.pathname.startsWith('/auth/callback'))
}

/** A client-credentials token for a demo agency client. */
export async function agencyToken (appUrl, clientId, secret) {
  const res = await fetch(new URL('dev/auth/oauth2/token', appUrl), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: 'Basic ' + Buffer.from(`${clientId}:${secret}`).toString('base64')
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'referrals/write referrals/read' })
  })
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`)
  return (await res.json()).access_token
}

/** Fails if the page scrolls sideways (the 320 px checks). */
export async function noSidewaysScroll (page, what = 'the page') {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(over <= 0, `${what} scrolls sideways by ${over}px`)
}

/** Presses Tab until the element matching selector has focus (keyboard-only checks). */
export async function tabTo (page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return
  }
  assert.fail(`Tab never reached ${selector}`)
}
