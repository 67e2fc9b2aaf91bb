// Issue 12 item 4 in a real browser against the whole local system: a
// business support officer opens the demo case (recorded); an administrator
// reads the case's audit and the officer's, by keyboard, and sees who viewed
// it and when; the administrator's own reading of the audit is itself in the
// audit. axe (WCAG 2.2 AA tags) on the page with results and with errors;
// usable at 320 px (no sideways scrolling of the page). A social worker is
// refused the page.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDevServer, launchBrowser, newPage, assertNoAxe, signInAs } from './helpers.mjs'

let server, browser
before(async () => {
  server = await startDevServer()
  browser = await launchBrowser()
})
after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

async function fitsAt320 (page, name) {
  await page.setViewportSize({ width: 320, height: 800 })
  try {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px at 320px`)
    await assertNoAxe(page, `${name} at 320px`)
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 })
  }
}

test('administrator: audit of a case and of a person, by keyboard; reading it is audited; others refused', { timeout: 240000 }, async () => {
  // A business support officer views the demo case.
  const bso = await newPage(browser)
  await signInAs(bso.page, server.url, 'Business support officer')
  await bso.page.goto(new URL('referrals', server.url).href)
  await bso.page.getByRole('link', { name: /Demoperson/ }).first().click()
  await bso.page.locator('#case-link').click()
  await bso.page.waitForURL(/\/cases\/[^/]+$/)
  const caseId = new URL(bso.page.url()).pathname.split('/').pop()
  await bso.context.close()

  const { page, problems } = await newPage(browser)
  await signInAs(page, server.url, 'Administrator')
  // The navigation offers the audit to an administrator.
  await page.getByRole('link', { name: 'Audit', exact: true }).click()
  await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor()
  assert.equal(await page.title(), 'Audit – MAPPA Coordinator')
  await assertNoAxe(page, 'the audit page')

  // A case id that is not one: the GOV.UK error summary, by keyboard.
  await page.locator('#case').focus()
  await page.keyboard.type('not a case!')
  await page.keyboard.press('Enter')
  await page.locator('.govuk-error-summary').waitFor()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a case id/)
  assert.match(await page.title(), /^Error: Audit/)
  await assertNoAxe(page, 'the audit page with an error')

  // The demo case, by keyboard: who viewed it (the officer, by name) and when.
  await page.locator('#case').focus()
  await page.keyboard.press('Control+A')
  await page.keyboard.type(caseId)
  await page.keyboard.press('Enter')
  await page.locator('#audit-table').waitFor()
  assert.equal(new URL(page.url()).searchParams.get('case'), caseId)
  const caseRows = await page.locator('#audit-table').innerText()
  assert.match(caseRows, /Ada Example[\s\S]*Viewed the case/, 'the officer\'s view of the case is listed')
  assert.match(caseRows, /Read the audit/, 'this very read is listed (it was recorded before the records were read)')
  assert.match(caseRows, /Nia Imaginary/)
  assert.doesNotMatch(caseRows, /Demoperson/, 'no case contents: the person\'s name is never shown')
  await assertNoAxe(page, 'the audit of a case')
  await fitsAt320(page, 'the audit of a case')
  // The wide table scrolls inside its own region, reachable by keyboard.
  assert.equal(await page.locator('.app-table-wrap').getAttribute('tabindex'), '0')

  // What the officer did today, chosen by keyboard from the directory.
  await page.locator('#person').focus()
  await page.keyboard.press('Home')
  await page.selectOption('#person', { label: 'Ada Example' })
  await page.locator('#person-form button').focus()
  await page.keyboard.press('Enter')
  await page.waitForURL(/person=/)
  await page.locator('#audit-table caption', { hasText: 'What Ada Example did' }).waitFor()
  const personRows = await page.locator('#audit-table').innerText()
  assert.match(personRows, /Viewed the case/)
  assert.match(personRows, new RegExp(`Case ${caseId}`))
  assert.doesNotMatch(personRows, /Read the audit/, 'the officer did not read the audit')
  await fitsAt320(page, 'the audit of a person')

  // The administrator's own reads of the audit are in the audit.
  await page.selectOption('#person', { label: 'Nia Imaginary' })
  await page.locator('#person-form button').click()
  await page.locator('#audit-table caption', { hasText: 'What Nia Imaginary did' }).waitFor()
  const own = await page.locator('#audit-table').innerText()
  assert.ok((own.match(/Read the audit/g) || []).length >= 3, `three reads of the audit recorded, got:\n${own}`)
  assert.deepEqual(problems, [])

  // A social worker is refused the page and the API.
  const sw = await newPage(browser)
  await signInAs(sw.page, server.url, 'Social worker')
  assert.equal(await sw.page.getByRole('link', { name: 'Audit', exact: true }).count(), 0, 'no Audit link for a social worker')
  await sw.page.goto(new URL('audit?case=' + caseId, server.url).href)
  await sw.page.getByRole('heading', { name: 'You cannot see this page' }).waitFor()
  const status = await sw.page.evaluate(async (id) => {
    const s = JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find((k) => sessionStorage.getItem(k).includes('accessToken'))))
    const r = await fetch('/v1/admin/audit/cases/' + id, { headers: { Authorization: 'Bearer ' + s.accessToken } })
    return r.status
  }, caseId)
  assert.equal(status, 403)
  await sw.context.close()
})
