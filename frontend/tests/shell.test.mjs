// The app shell and sign-in page in a real browser: GOV.UK styling really
// applies (fonts and CSS load under the strict CSP), the sign-in button
// starts an authorization-code + PKCE request, and axe finds no WCAG 2.2 AA
// problems.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDevServer, launchBrowser, newPage, axeViolations, screenshot } from './helpers.mjs'

let server, browser

before(async () => {
  server = await startDevServer()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the sign-in page looks like GOV.UK, loads under the CSP and passes axe', async () => {
  const { context, page, problems } = await newPage(browser)
  const failed = []
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`) })
  const res = await page.goto(server.url)
  assert.equal(res.status(), 200)
  const headers = res.headers()
  assert.match(headers['content-security-policy'], /default-src 'self'/)
  assert.match(headers['content-security-policy'], /frame-ancestors 'none'/)
  assert.equal(headers['cache-control'], 'no-store')

  await page.getByRole('heading', { level: 1, name: 'Sign in to MAPPA Coordinator' }).waitFor()
  assert.equal(await page.title(), 'Sign in – MAPPA Coordinator')
  // The GOV.UK snippet ran (its hash is allowed) and GOV.UK Frontend initialised.
  assert.match(await page.evaluate(() => document.body.className), /js-enabled govuk-frontend-supported/)
  // GOV.UK styles really applied, in Arial: the GDS Transport typeface is
  // for GOV.UK services only, and a council's service is not one.
  const look = await page.evaluate(() => {
    const h1 = getComputedStyle(document.querySelector('h1'))
    return { font: h1.fontFamily, size: h1.fontSize }
  })
  assert.match(look.font, /^arial, sans-serif$/i)
  assert.ok(parseFloat(look.size) >= 32, `heading size ${look.size}`)
  await page.evaluate(() => document.fonts.ready)
  assert.equal(await page.locator('.govuk-service-navigation__service-name').innerText(), 'MAPPA Coordinator')
  assert.equal(await page.locator('.govuk-phase-banner .govuk-tag').innerText(), 'Alpha')
  assert.equal(await page.locator('#app-nav').isVisible(), false, 'no navigation before sign-in')

  const violations = await axeViolations(page)
  assert.deepEqual(violations, [], violations.join('\n'))
  await screenshot(page, 'sign-in')
  assert.deepEqual(problems, [])
  assert.deepEqual(failed, [])
  await context.close()
})

test('Sign in sends the browser to the authorization endpoint with PKCE S256', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(server.url)
  const [req] = await Promise.all([
    page.waitForRequest((r) => r.url().includes('/oauth2/authorize')),
    page.getByRole('button', { name: 'Sign in' }).click()
  ])
  const q = new URL(req.url()).searchParams
  assert.equal(q.get('response_type'), 'code')
  assert.equal(q.get('code_challenge_method'), 'S256')
  assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/)
  assert.equal(q.get('redirect_uri'), new URL('auth/callback', server.url).href)
  assert.ok(q.get('state') && q.get('state').length >= 20)
  assert.match(q.get('scope'), /staff\/api/)
  // The verifier is kept in sessionStorage only.
  await page.waitForURL(/\/dev\/auth\/oauth2\/authorize/)
  await page.goto(server.url)
  const stored = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) }))
  assert.deepEqual(stored.local, [])
  assert.ok(stored.session.includes('mappa.signin'))
  await context.close()
})

test('a deep link without a session asks to sign in and keeps no personal data in the URL', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(new URL('referrals/some-id', server.url).href)
  await page.getByRole('heading', { level: 1, name: 'Sign in to MAPPA Coordinator' }).waitFor()
  assert.equal(new URL(page.url()).searchParams.get('returnTo'), '/referrals/some-id')
  await context.close()
})

test('a callback with a forged state is refused with a GOV.UK message', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(new URL('auth/callback?code=abc&state=forged', server.url).href)
  await page.getByRole('heading', { level: 1, name: 'Sign in to MAPPA Coordinator' }).waitFor()
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /could not be checked/)
  assert.equal(new URL(page.url()).pathname, '/')
  await context.close()
})

test('unknown assets are 404, app pages fall back to the shell', async () => {
  const asset = await fetch(new URL('assets/nope.css', server.url))
  assert.equal(asset.status, 404)
  const page = await fetch(new URL('referrals/anything', server.url))
  assert.equal(page.status, 200)
  assert.match(await page.text(), /<div id="app">/)
  const png = await fetch(new URL('assets/images/govuk-icon-180.png', server.url))
  assert.equal(png.status, 200)
  assert.equal(png.headers.get('content-type'), 'image/png')
  assert.match(png.headers.get('cache-control'), /immutable/)
  const bytes = new Uint8Array(await png.arrayBuffer())
  assert.equal(String.fromCharCode(...bytes.slice(1, 4)), 'PNG', 'a binary asset arrives intact through the gateway')
})

test('a token the API refuses (401) sends the user back to sign in', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(server.url)
  await page.getByRole('heading', { level: 1, name: 'Sign in to MAPPA Coordinator' }).waitFor()
  // A session whose token the gateway's JWT check refuses.
  await page.evaluate(() => sessionStorage.setItem('mappa.session', JSON.stringify({
    accessToken: 'not.a.token', expiresAt: Date.now() + 3600000, name: 'Nobody', roles: []
  })))
  await page.goto(new URL('referrals?status=accepted', server.url).href)
  await page.waitForURL(/\/dev\/auth\/oauth2\/authorize/)
  const pending = await page.evaluate(() => sessionStorage.getItem('mappa.session'))
  assert.equal(pending, null, 'the refused session is dropped')
  await context.close()
})
