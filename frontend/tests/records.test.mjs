// Issue 12 items 3 and 4 in a real browser against the whole local system
// (one dev server for both):
//
// The audit: a business support officer opens the demo case (recorded); an
// administrator reads the case's audit and the officer's, by keyboard, and
// sees who viewed it and when; the administrator's own reading of the audit
// is itself in the audit. A social worker is refused the page.
//
// The minutes record: a business support officer records that the minutes
// arrived (GOV.UK errors first, by keyboard); the child's social worker
// writes the child-relevant extract and sees it; the officer sees that an
// extract was made but never its text, and records the destruction.
//
// axe (WCAG 2.2 AA tags) on each state; usable at 320 px.

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
  // Each case in a person's records links to that case's audit.
  await page.locator('#audit-table').getByRole('link', { name: `Case ${caseId}` }).first().click()
  await page.locator('#audit-table caption', { hasText: `Who viewed or changed case ${caseId}` }).waitFor()

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

/** A weekday n days ago as YYYY-MM-DD and its parts. */
function weekdayAgo (n) {
  const d = new Date()
  d.setUTCDate(d.getUTCDate() - n)
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() - 1)
  return { iso: d.toISOString().slice(0, 10), day: String(d.getUTCDate()), month: String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) }
}

const EXTRACT = 'Bea Sample: the person must not contact her at school; the school has been told by the police.'

test('minutes record: received (errors first, keyboard), extract by the child\'s social worker, withheld from the officer, destroyed', { timeout: 240000 }, async () => {
  const { page, problems } = await newPage(browser)
  await signInAs(page, server.url, 'Business support officer')
  await page.goto(new URL('referrals', server.url).href)
  await page.getByRole('link', { name: /Demoperson/ }).first().click()
  await page.locator('#case-link').click()
  await page.waitForURL(/\/cases\/[^/]+$/)
  const caseId = new URL(page.url()).pathname.split('/').pop()
  // A meeting held last week, recorded through the API with the officer's token.
  const held = weekdayAgo(7)
  const meetingId = await page.evaluate(async ({ caseId, date }) => {
    const key = Object.keys(sessionStorage).find((k) => (sessionStorage.getItem(k) || '').includes('accessToken'))
    const token = JSON.parse(sessionStorage.getItem(key)).accessToken
    const r = await fetch(`/v1/staff/cases/${caseId}/meetings`, {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ level: 2, kind: 'review', date, time: '10:00', place: 'Exampleton Police Station', chair: 'DI Demo Chair', leadAgency: 'Probation' })
    })
    const b = await r.json()
    if (r.status !== 201) throw new Error(`meeting: ${r.status} ${JSON.stringify(b)}`)
    return b.meeting.id
  }, { caseId, date: held.iso })

  // From the meeting page to its minutes record.
  await page.goto(new URL(`meetings/${meetingId}`, server.url).href)
  await page.locator('#minutes-link').click()
  await page.getByRole('heading', { name: 'Minutes record', level: 1 }).waitFor()
  assert.equal(await page.title(), 'Minutes record – MAPPA Coordinator')
  assert.match(await page.locator('[data-row="m-received"]').innerText(), /Not yet/)
  assert.match(await page.locator('#extract-withheld').innerText(), /Only those who may see the child’s record/)
  await assertNoAxe(page, 'the minutes record (nothing yet)')

  // Received: by keyboard, an empty form first.
  await page.locator('#step-received summary').focus()
  await page.keyboard.press('Enter')
  await page.locator('#form-received button').focus()
  await page.keyboard.press('Enter')
  await page.locator('.govuk-error-summary').waitFor()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the date[\s\S]*Enter who sent them/)
  assert.match(await page.title(), /^Error: Minutes record/)
  await assertNoAxe(page, 'the minutes record with errors')
  const rec = weekdayAgo(2)
  await page.locator('#received-on-day').focus()
  await page.keyboard.type(rec.day)
  await page.keyboard.press('Tab')
  await page.keyboard.type(rec.month)
  await page.keyboard.press('Tab')
  await page.keyboard.type(rec.year)
  await page.keyboard.press('Tab')
  await page.keyboard.type('MAPPA co-ordinator, Exampleton')
  await page.keyboard.press('Enter')
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('[data-row="m-received"]').innerText(), /from MAPPA co-ordinator, Exampleton[\s\S]*recorded by Ada Example/)
  await fitsAt320(page, 'the minutes record (received)')
  await page.context().close()

  // The child's social worker writes the extract and reads it.
  const sw = await newPage(browser)
  await signInAs(sw.page, server.url, 'Social worker')
  await sw.page.goto(new URL(`meetings/${meetingId}/minutes`, server.url).href)
  await sw.page.locator('#extract').waitFor()
  await sw.page.fill('#extract', EXTRACT)
  await sw.page.getByRole('button', { name: 'Save the extract' }).click()
  await sw.page.locator('.govuk-notification-banner--success').waitFor()
  assert.equal((await sw.page.locator('#extract-text').innerText()).trim(), EXTRACT)
  assert.match(await sw.page.locator('[data-row="m-extract"]').innerText(), /Made by Cara Testperson/)
  await assertNoAxe(sw.page, 'the minutes record with the extract')
  await fitsAt320(sw.page, 'the minutes record with the extract')
  assert.deepEqual(sw.problems, [])
  await sw.context.close()

  // The officer sees that an extract was made, never its text; records the destruction.
  const bso = await newPage(browser)
  await signInAs(bso.page, server.url, 'Business support officer')
  await bso.page.goto(new URL(`meetings/${meetingId}/minutes`, server.url).href)
  await bso.page.locator('#extract-withheld').waitFor()
  const text = await bso.page.locator('main').innerText()
  assert.doesNotMatch(text, /school/, 'the officer must not see the extract')
  assert.match(await bso.page.locator('[data-row="m-extract"]').innerText(), /Made by Cara Testperson/)
  await bso.page.locator('#step-destroyed summary').click()
  await bso.page.fill('#destroyed-on-day', rec.day)
  await bso.page.fill('#destroyed-on-month', rec.month)
  await bso.page.fill('#destroyed-on-year', rec.year)
  await bso.page.fill('#destroyed-destroyedBy', 'Ada Example (shredded)')
  await bso.page.getByRole('button', { name: 'Record destruction' }).click()
  await bso.page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await bso.page.locator('[data-row="m-destroyed"]').innerText(), /by Ada Example \(shredded\)/)
  assert.equal(await bso.page.locator('form[data-step]').count(), 0, 'nothing more to record once destroyed')
  await assertNoAxe(bso.page, 'the minutes record (destroyed)')
  assert.deepEqual(bso.problems, [])
  assert.deepEqual(problems, [])
})

test('closing a case: the service manager closes the demo case with a reason (GOV.UK error first), its records expire after the retention period', { timeout: 240000 }, async () => {
  const { page, problems } = await newPage(browser)
  await signInAs(page, server.url, 'Service manager')
  await page.goto(new URL('referrals', server.url).href)
  await page.getByRole('link', { name: /Demoperson/ }).first().click()
  await page.locator('#case-link').click()
  await page.waitForURL(/\/cases\/[^/]+$/)
  await page.locator('#retention').waitFor()
  assert.match(await page.locator('[data-row="ret-status"]').innerText(), /Open/)
  assert.match(await page.locator('[data-row="ret-expires"]').innerText(), /Not until the case is closed/)
  assert.equal(await page.locator('#hold-form').count(), 0, 'a service manager does not place holds')
  // By keyboard: open the form, send it empty, then with a reason.
  await page.locator('#close-case summary').focus()
  await page.keyboard.press('Enter')
  await page.locator('#close-form button').focus()
  await page.keyboard.press('Enter')
  await page.locator('.govuk-error-summary').waitFor()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter why the case is closing/)
  await assertNoAxe(page, 'the case page with the close form in error')
  await page.locator('#close-reason').focus()
  await page.keyboard.type('No longer managed under MAPPA: the licence ended.')
  await page.locator('#close-form button').click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('[data-row="ret-status"]').innerText(), /Closed on .* by .*: No longer managed under MAPPA/)
  const expires = await page.locator('[data-row="ret-expires"]').innerText()
  const year = Number((expires.match(/(\d{4})/) || [])[1])
  assert.ok(year >= new Date().getUTCFullYear() + 5, `records expire about six years on: ${expires}`)
  assert.equal(await page.locator('#close-form').count(), 0, 'a closed case has no close form')
  assert.doesNotMatch(await page.locator('main').innerText(), /merged/, 'a closed case is not shown as merged')
  await assertNoAxe(page, 'the closed case')
  await fitsAt320(page, 'the closed case')
  assert.deepEqual(problems, [])
})
