// Every role's working day in a real browser (Chromium, axe WCAG 2.2 AA):
// each role signs in to its own home page, with its name and role shown
// and only the navigation it can use; the home page puts what needs the
// person first; the assistant director opens the Board's reports (SVG
// charts with their tables) and downloads the month's figures as CSV.
// Every page is checked at desktop width and at 320 px (no sideways
// scrolling), and the home page and the download work by keyboard alone.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { startDevServer, launchBrowser, newPage, axeViolations, screenshot, signInAs, noSidewaysScroll } from './helpers.mjs'

let server, browser

before(async () => {
  server = await startDevServer()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

async function noAxe (page) {
  const v = await axeViolations(page)
  assert.deepEqual(v, [], v.join('\n'))
}

const ROLES = [
  { role: 'Business support officer', nav: ['Home', 'Referrals', 'Risk register', 'Enter a referral', 'Check eligibility', 'Meetings', 'Staff and rota', 'Sign out'], first: /Short-notice meetings|Possible matches to check/ },
  { role: 'Social worker', nav: ['Home', 'Referrals', 'Risk register', 'Check eligibility', 'Meetings', 'Staff and rota', 'Sign out'], first: /Referrals about your children’s offenders/ },
  { role: 'Team manager', nav: ['Home', 'Referrals', 'Risk register', 'Check eligibility', 'Meetings', 'Staff and rota', 'Sign out'], first: /Referrals of your team’s cases/ },
  { role: 'Service manager', nav: ['Home', 'Referrals', 'Risk register', 'Check eligibility', 'Meetings', 'Staff and rota', 'Sign out'], first: /Levels to confirm/ },
  { role: 'Head of service', nav: ['Home', 'Referrals', 'Risk register', 'Check eligibility', 'Meetings', 'Staff and rota', 'Sign out'], first: /Levels to confirm/ },
  { role: 'Assistant director', nav: ['Home', 'Check eligibility', 'Staff and rota', 'Reports', 'Sign out'], first: /Reports for the Strategic Management Board/ }
]

for (const r of ROLES) {
  test(`${r.role}: a home page with their name, their role, their navigation and what needs them first`, { timeout: 120000 }, async () => {
    const { context, page, problems } = await newPage(browser)
    await signInAs(page, server.url, r.role)
    await page.waitForURL((u) => u.pathname === '/')
    await page.locator('main h2').first().waitFor()
    assert.equal(await page.title(), 'Home – MAPPA Coordinator')
    assert.match(await page.locator('#app-user').innerText(), new RegExp(`Signed in as \\S+ \\S+, ${r.role}`))
    const nav = await page.locator('#app-nav li:not([hidden]) a').allInnerTexts()
    assert.deepEqual(nav.map((t) => t.trim()), r.nav)
    assert.match(await page.locator('main h2').first().innerText(), r.first)
    await noAxe(page)
    await screenshot(page, `home-${r.role.toLowerCase().replace(/\W+/g, '-')}`)

    // At 320 px: nothing scrolls sideways; axe again.
    await page.setViewportSize({ width: 320, height: 800 })
    await page.reload()
    await page.locator('main h2').first().waitFor()
    await noSidewaysScroll(page)
    await noAxe(page)

    if (r.role === 'Business support officer') {
      // The demo's short-notice referral is first, with its days left, and
      // new referrals are soonest meeting first.
      const rows = await page.locator('#to-decide-table tbody tr').allInnerTexts()
      assert.ok(rows.length >= 3, rows.join('\n'))
      assert.match(rows[0], /in 8 days[\s\S]*Short notice/)
      assert.match(rows[rows.length - 1], /No meeting yet/)
      // Keyboard alone: tab to the first referral and open it.
      await page.setViewportSize({ width: 1280, height: 900 })
      await page.reload()
      await page.locator('main h2').first().waitFor()
      const first = page.locator('#short-notice-table tbody a').first()
      const target = await first.getAttribute('href')
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab')
        if (await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href')) === target) break
      }
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), target, 'the first referral is reachable by Tab')
      await page.keyboard.press('Enter')
      await page.waitForURL((u) => u.pathname === target)
      await page.locator('#referral-summary').waitFor()
      assert.match(await page.locator('#referral-summary').innerText(), /What is needed next\s+Decide/)
    }
    if (r.role === 'Assistant director') {
      // The referrals list is not for this role: an honest page, not an error.
      await page.setViewportSize({ width: 1280, height: 900 })
      await page.goto(new URL('referrals', server.url).href)
      await page.getByRole('heading', { level: 1, name: 'You cannot see this page' }).waitFor()
      assert.match(await page.locator('main').innerText(), /figures are in Reports/)
      await noAxe(page)
    }
    assert.deepEqual(problems.filter((p) => !/status of 403/.test(p)), [])
    await context.close()
  })
}

test('an assistant director opens the Board reports and downloads the figures as CSV, by keyboard', { timeout: 120000 }, async () => {
  const { context, page, problems } = await newPage(browser)
  await signInAs(page, server.url, 'Assistant director')
  await page.locator('#reports-panel').waitFor()
  await page.locator('#app-nav').getByRole('link', { name: 'Reports' }).click()
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor()
  assert.equal(await page.title(), 'Reports – MAPPA Coordinator')
  // Each chart is an image with a title and a description, beside its table.
  for (const id of ['referrals', 'categories', 'decisions', 'levels', 'attendance-seniority', 'attendance-level', 'written-reports', 'reviews', 'actions']) {
    const svg = page.locator(`#chart-${id} svg[role="img"]`)
    assert.equal(await svg.count(), 1, id)
    assert.ok((await svg.locator('title').textContent()).length > 5)
    assert.match(await svg.locator('desc').textContent(), /in total/)
    assert.equal(await page.locator(`#table-${id} tbody tr`).count(), 12, 'twelve months')
  }
  // Today's actions: open and overdue, as numbers.
  assert.match(await page.locator('#table-now').innerText(), /Open actions\s+\d+[\s\S]*past their due date\s+\d+/)
  // The demo's three referrals arrived this month; one at short notice.
  const thisMonth = page.locator('#table-referrals tbody tr').last()
  const cells = await thisMonth.locator('th, td').allInnerTexts()
  assert.ok(Number(cells[1]) >= 3, `received this month: ${cells}`)
  assert.ok(Number(cells[2]) >= 1, `short notice this month: ${cells}`)
  await noAxe(page)
  await screenshot(page, 'reports')

  // Download by keyboard: focus the button, press Enter.
  await page.locator('#download-csv').focus()
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')])
  assert.match(download.suggestedFilename(), /^mappa-board-figures-\d{4}-\d{2}-to-\d{4}-\d{2}\.csv$/)
  const csv = await readFile(await download.path(), 'utf8')
  const lines = csv.trim().split(/\r\n/)
  assert.match(lines[0], /^Month,Referrals received,At short notice \(under 14 days\),Category 1/)
  assert.equal(lines.length, 13)
  assert.equal(lines[12].split(',')[1], cells[1].trim(), 'the CSV has the figure the table shows')

  // At 320 px the page does not scroll sideways (tables scroll in their own box).
  await page.setViewportSize({ width: 320, height: 800 })
  await noSidewaysScroll(page)
  await noAxe(page)
  assert.deepEqual(problems, [])
  await context.close()
})

test('a social worker opens their case record from home and sets the traffic light with a reason', { timeout: 120000 }, async () => {
  const { context, page, problems } = await newPage(browser)
  await signInAs(page, server.url, 'Social worker')
  await page.locator('#my-cases').waitFor()
  // The demo assigns this social worker to the demo case (a child's allocated worker).
  await page.locator('#my-cases tbody a').first().click()
  await page.locator('#referral-summary').waitFor()
  await page.locator('#case-link').click()
  await page.waitForURL(/\/cases\/[^/]+$/)
  await page.locator('#traffic-light').waitFor()
  assert.equal(await page.title(), 'Case record – MAPPA Coordinator')
  assert.match(await page.locator('#case-summary').innerText(), /Traffic light\s+Not set yet/)
  assert.match(await page.locator('#risk').innerText(), /Children\s+High/)
  await noAxe(page)

  // Every problem in one round: no colour, no reason.
  await page.getByRole('button', { name: 'Set traffic light' }).click()
  const summary = page.locator('.govuk-error-summary')
  await summary.waitFor()
  assert.deepEqual(await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['#rag', '#rag-reason'])
  await noAxe(page)

  // By keyboard: the AMBER radio, the reason, Enter.
  await page.locator('#rag-2').focus()
  await page.keyboard.press('Space')
  await page.locator('#rag-reason').focus()
  await page.keyboard.type('Plan in place; risk to children is high.')
  await page.getByRole('button', { name: 'Set traffic light' }).focus()
  await page.keyboard.press('Enter')
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('#case-summary').innerText(), /Traffic light\s+AMBER/)
  const hist = await page.locator('#rag-history tbody tr').allInnerTexts()
  assert.equal(hist.length, 1)
  assert.match(hist[0], /AMBER[\s\S]*Cara Testperson \(you\)[\s\S]*risk to children is high/)
  // AMBER is not offered again.
  assert.equal(await page.locator('#rag-form input[value="amber"]').count(), 0)
  await noAxe(page)
  await page.setViewportSize({ width: 320, height: 800 })
  await noSidewaysScroll(page)
  await noAxe(page)
  await screenshot(page, 'case-record-rag')
  assert.deepEqual(problems, [])
  await context.close()
})
