// Front-end weight benchmark (make bench): for each page of the staff app,
// the bytes transferred, the requests made and the time until the main
// content shows, on a first load (empty cache, signed in) and a warm view
// (the same page again). Chromium's own accounting through the DevTools
// protocol; times from performance.now() (navigation start) in the page.
//
//   node frontend/bench/weight.mjs            start a dev server, print JSON
//   MAPPA_APP_URL=http://127.0.0.1:8080/ ...  use a running one
//
// Prints one JSON document: { pages: [{ name, path, first, warm }] } where
// first and warm are { bytes, requests, dcl, main } (bytes on the wire,
// headers included; milliseconds).

import { startDevServer, launchBrowser, signInAs } from '../tests/helpers.mjs'

const ROUNDS = Number(process.env.MAPPA_BENCH_ROUNDS || 5)

// Records when the page's main content first shows: an <h1> inside #app
// (the app renders each page into #app; "Loading" has no heading).
const WATCH = `(() => {
  const seen = () => {
    const h = document.querySelector('#app h1')
    if (h && window.__mainAt === undefined) window.__mainAt = performance.now()
  }
  new MutationObserver(seen).observe(document, { childList: true, subtree: true })
})()`

function median (xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.floor((s.length - 1) / 2)] : 0
}

async function measure (page, cdp, url) {
  const reqs = new Map()
  const onSent = (e) => { if (!e.request.url.startsWith('data:')) reqs.set(e.requestId, { url: e.request.url, bytes: 0, cached: false }) }
  const onCache = (e) => { const r = reqs.get(e.requestId); if (r) r.cached = true }
  const onResp = (e) => {
    const r = reqs.get(e.requestId)
    if (r && (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker)) r.cached = true
  }
  const onDone = (e) => { const r = reqs.get(e.requestId); if (r) r.bytes = e.encodedDataLength }
  cdp.on('Network.requestWillBeSent', onSent)
  cdp.on('Network.requestServedFromCache', onCache)
  cdp.on('Network.responseReceived', onResp)
  cdp.on('Network.loadingFinished', onDone)
  await page.goto(url, { waitUntil: 'networkidle' })
  await page.waitForFunction(() => window.__mainAt !== undefined, null, { timeout: 30000 })
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0]
    return { dcl: nav ? nav.domContentLoadedEventEnd : 0, main: window.__mainAt }
  })
  cdp.off('Network.requestWillBeSent', onSent)
  cdp.off('Network.requestServedFromCache', onCache)
  cdp.off('Network.responseReceived', onResp)
  cdp.off('Network.loadingFinished', onDone)
  const net = [...reqs.values()].filter((r) => !r.cached)
  const largest = [...net].sort((a, b) => b.bytes - a.bytes).slice(0, 4).map((r) => ({ path: new URL(r.url).pathname, bytes: r.bytes }))
  return { bytes: net.reduce((n, r) => n + r.bytes, 0), requests: net.length, dcl: t.dcl, main: t.main, urls: net.map((r) => new URL(r.url).pathname), largest }
}

async function main () {
  const server = await startDevServer()
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.addInitScript(WATCH)
    const page = await context.newPage()
    // A business support officer works the queue and may open every referral.
    await signInAs(page, server.url, 'Business support officer')
    await page.locator('#app h1').first().waitFor()
    // The pages' ids come from the links the app itself shows.
    await page.locator('#app h1').first().waitFor()
    const referral = await page.evaluate(() => [...document.querySelectorAll('#app a[href^="/referrals/"]')].map((a) => a.getAttribute('href')).find((h) => h !== '/referrals/new'))
    let kase
    if (referral) {
      await page.goto(new URL(referral, server.url).href)
      await page.locator('#app h1').first().waitFor()
      await page.waitForLoadState('networkidle')
      kase = await page.evaluate(() => { const a = document.querySelector('#app a[href^="/cases/"]'); return a && a.getAttribute('href') })
    }
    const ids = { referral: referral && referral.split('/').pop(), case: kase && kase.split('/').pop() }
    const pages = [{ name: 'home', path: '/' }]
    if (ids.referral) pages.push({ name: 'referral', path: `/referrals/${ids.referral}` })
    if (ids.case) pages.push({ name: 'case', path: `/cases/${ids.case}` })
    for (const [name, path] of [['register', '/register'], ['report', '/reports']]) {
      const exists = await page.evaluate(async (p) => {
        const src = await (await fetch('/app/main.mjs')).text()
        return src.includes(`'${p}'`) || src.includes(`"${p}"`) || src.includes(`\\/${p.slice(1)}`)
      }, path)
      if (exists) pages.push({ name, path })
    }
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    const out = []
    for (const p of pages) {
      const url = new URL(p.path, server.url).href
      const firsts = []
      const warms = []
      for (let i = 0; i < ROUNDS; i++) {
        await cdp.send('Network.clearBrowserCache')
        firsts.push(await measure(page, cdp, url))
        warms.push(await measure(page, cdp, url))
      }
      const sum = (xs) => ({
        bytes: median(xs.map((x) => x.bytes)),
        requests: median(xs.map((x) => x.requests)),
        dcl: median(xs.map((x) => x.dcl)),
        main: median(xs.map((x) => x.main)),
        urls: xs[0].urls,
        largest: xs[0].largest
      })
      out.push({ name: p.name, path: p.path.replace(/\/[A-Za-z0-9_-]{12,}$/, '/{id}'), first: sum(firsts), warm: sum(warms) })
      process.stderr.write(`weight: ${p.name} done\n`)
    }
    process.stdout.write(JSON.stringify({ pages: out }, null, 2) + '\n')
  } finally {
    await browser.close()
    await server.stop()
  }
}

main().catch((err) => { console.error(err); process.exit(1) })
