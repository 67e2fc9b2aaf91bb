// The risk register in a real browser (Chromium, axe WCAG 2.2 AA): a
// business support officer opens it from the navigation, filters it by
// keyboard alone (the server filters: the URL carries the filters), sorts
// it, downloads the CSV and opens a case record from it; a social worker
// sees only their own case; an assistant director sees the register's
// counts on their home page and no names. Checked at 320 px (nothing but the
// table's own region scrolls sideways).

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { startDevServer, launchBrowser, newPage, assertNoAxe, screenshot, signInAs } from './helpers.mjs'

let server, browser

before(async () => {
  server = await startDevServer()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

async function noSidewaysScroll (page) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(over <= 0, `the page scrolls sideways by ${over}px`)
}

/** Presses Tab until the element matching selector has focus. */
async function tabTo (page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return
  }
  assert.fail(`Tab never reached ${selector}`)
}

async function registerNames (page) {
  return (await page.locator('#register-table tbody tr td:first-child, #register-table tbody tr th:first-child').allInnerTexts()).map((t) => t.trim())
}

test('A business support officer filters, sorts and downloads the risk register by keyboard, at 320 px too', { timeout: 180000 }, async () => {
  const { context, page, problems } = await newPage(browser)
  await signInAs(page, server.url, 'Business support officer')
  await page.locator('#app-nav a', { hasText: 'Risk register' }).click()
  await page.waitForURL((u) => u.pathname === '/register')
  await page.locator('#register-table').waitFor()
  assert.equal(await page.title(), 'Risk register – MAPPA Coordinator')
  const all = await registerNames(page)
  assert.ok(all.includes('Adam Demoperson'), all.join(', '))
  assert.ok(all.length >= 3, all.join(', '))
  // The demo case: level 2, no traffic light yet.
  const demo = page.locator('#register-table tbody tr', { hasText: 'Adam Demoperson' })
  assert.match(await demo.innerText(), /Not set[\s\S]*Level 2/)
  await assertNoAxe(page, 'the risk register')
  await screenshot(page, 'register')

  // Keyboard alone: tick "Level" 2 and apply; the URL and the rows follow.
  await page.locator('h1').focus()
  await tabTo(page, '#level')
  await page.keyboard.press('ArrowDown') // Level 1
  await page.keyboard.press('ArrowDown') // Level 2
  await tabTo(page, '#register-filters button[type=submit]')
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => u.searchParams.get('level') === '2')
  await page.locator('#register-description', { hasText: 'level 2' }).waitFor()
  const level2 = await registerNames(page)
  assert.deepEqual(level2, ['Adam Demoperson'])

  // RED only: nothing has a traffic light in the demo.
  await page.locator('h1').focus()
  await tabTo(page, '#rag-red')
  await page.keyboard.press('Space')
  await tabTo(page, '#register-filters button[type=submit]')
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => u.searchParams.get('rag') === 'red')
  await page.locator('#register-empty').waitFor()
  await assertNoAxe(page, 'the risk register with no rows')

  // Sort by traffic light, every case again.
  await page.goto(new URL('register?sort=rag', server.url).href)
  await page.locator('#register-table').waitFor()
  assert.equal(await page.locator('input[name=sort][value=rag]').isChecked(), true)
  assert.deepEqual((await registerNames(page)).sort(), all.slice().sort())

  // The CSV, by keyboard: the same cases, with the header.
  await page.locator('h1').focus()
  await tabTo(page, '#download-register')
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')])
  assert.match(download.suggestedFilename(), /^risk-register-\d{4}-\d{2}-\d{2}\.csv$/)
  const csv = await readFile(await download.path(), 'utf8')
  const lines = csv.trim().split(/\r\n/)
  assert.equal(lines[0], 'Case,Given names,Family name,Traffic light,Level,Category,Risk of serious harm,Next review,Next review is,Days to next review,Overdue')
  assert.equal(lines.length - 1, all.length)
  assert.ok(lines.some((l) => /,Adam,Demoperson,not set,2,/.test(l)), csv)
  await page.locator('#download-status', { hasText: /Downloaded \d+ cases/ }).waitFor()

  // At 320 px: only the table's own region scrolls sideways; axe again.
  await page.setViewportSize({ width: 320, height: 800 })
  await page.reload()
  await page.locator('#register-table').waitFor()
  await noSidewaysScroll(page)
  await assertNoAxe(page, 'the risk register at 320 px')
  await screenshot(page, 'register-320')

  // The person's name opens the case record.
  await page.locator('#register-table a', { hasText: 'Adam Demoperson' }).click()
  await page.waitForURL(/\/cases\//)
  await page.locator('#person-name', { hasText: 'Adam Demoperson' }).waitFor()
  assert.deepEqual(problems, [])
  await context.close()
})

test('A social worker sees only their own cases; an assistant director sees counts and no names', { timeout: 120000 }, async () => {
  const sw = await newPage(browser)
  await signInAs(sw.page, server.url, 'Social worker')
  await sw.page.goto(new URL('register', server.url).href)
  await sw.page.locator('#register-table').waitFor()
  assert.deepEqual(await registerNames(sw.page), ['Adam Demoperson'])
  await assertNoAxe(sw.page, 'a social worker’s register')
  assert.deepEqual(sw.problems, [])
  await sw.context.close()

  const ad = await newPage(browser)
  await signInAs(ad.page, server.url, 'Assistant director')
  await ad.page.waitForURL((u) => u.pathname === '/')
  await ad.page.locator('#register-counts-table').waitFor()
  const text = await ad.page.locator('#register-counts').innerText()
  assert.match(text, /\d+ open cases?; \d+ with the review overdue/)
  assert.doesNotMatch(await ad.page.locator('main').innerText(), /Demoperson/)
  assert.equal(await ad.page.locator('#app-nav li:not([hidden]) a', { hasText: 'Risk register' }).count(), 0)
  await assertNoAxe(ad.page, 'an assistant director’s home with the register counts')
  await ad.page.goto(new URL('register', server.url).href)
  await ad.page.locator('h1', { hasText: 'You cannot see this page' }).waitFor()
  assert.deepEqual(ad.problems, [])
  await ad.context.close()
})
