// The risk register in a real browser (Chromium, axe WCAG 2.2 AA): a
// business support officer opens it from the navigation, filters it by
// keyboard alone (the server filters: the URL carries the filters), sorts
// it, downloads the CSV and opens a case record from it; a social worker
// sees only their own case; an assistant director sees the register's
// counts on their home page and no names. The case record shows what the
// business support officer recorded (meeting, action, marker) with the next
// review the rota stream keeps; home pages show a social worker's meetings
// and actions and a service manager's replies owed and team picture.
// Checked with axe, at 320 px (nothing but the tables' own regions scrolls
// sideways) and by keyboard.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { startDevServer, launchBrowser, newPage, assertNoAxe, screenshot, signInAs, noSidewaysScroll, tabTo } from './helpers.mjs'

let server, browser

before(async () => {
  server = await startDevServer()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

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

/** Calls the staff API from the page with the signed-in person's token. */
async function apiCall (page, method, path, body) {
  return await page.evaluate(async ([method, path, body]) => {
    const s = JSON.parse(sessionStorage.getItem('mappa.session'))
    const res = await fetch(path, { method, headers: { Authorization: `Bearer ${s.accessToken}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined })
    return { status: res.status, body: await res.json().catch(() => null) }
  }, [method, path, body])
}

test('The case record shows the next review, children, the MAPPA marker, the meetings timeline, actions and the referrals, by keyboard and at 320 px', { timeout: 180000 }, async () => {
  const { context, page, problems } = await newPage(browser)
  await signInAs(page, server.url, 'Business support officer')
  await page.goto(new URL('register?level=2', server.url).href)
  await page.locator('#register-table a', { hasText: 'Adam Demoperson' }).click()
  await page.waitForURL(/\/cases\/[^/]+$/)
  const caseId = new URL(page.url()).pathname.split('/').pop()

  // What the business support officer records elsewhere: a review meeting
  // in four weeks, an action agreed there that is already overdue, and a
  // MAPPA marker request.
  const day = new Date(Date.now() + 28 * 86400000)
  while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1)
  const date = day.toISOString().slice(0, 10)
  const m = await apiCall(page, 'POST', `/v1/staff/cases/${caseId}/meetings`, { level: 2, kind: 'review', date, time: '10:00', place: 'Exampleton Police Station' })
  assert.equal(m.status, 201, JSON.stringify(m.body))
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10)
  const a = await apiCall(page, 'POST', `/v1/staff/meetings/${m.body.meeting.id}/actions`, { text: 'Share the safety plan with the school', ownerAgency: 'Probation', due: yesterday })
  assert.equal(a.status, 201, JSON.stringify(a.body))
  const mk = await apiCall(page, 'POST', `/v1/staff/cases/${caseId}/marker-requests`, { caseNumber: 'DEMO-A-1', reason: 'Level 2 MAPPA nominal' })
  assert.ok(mk.status === 201 || mk.status === 200, JSON.stringify(mk.body))

  // The rota function books the review into the case within seconds (the
  // meetings stream): reload until the next review shows the date.
  let next = ''
  const booked = 'A meeting is booked for that day'
  for (let i = 0; i < 40 && !next.includes(booked); i++) {
    await page.reload()
    await page.locator('#next-review').waitFor()
    next = await page.locator('#next-review').innerText()
    if (!next.includes(booked)) await page.waitForTimeout(500)
  }
  assert.match(next, /in \d+ days[\s\S]*A meeting is booked for that day/)
  assert.equal(await page.title(), 'Case record – MAPPA Coordinator')
  assert.match(await page.locator('#case-summary').innerText(), /Risk of serious harm\s+High/)
  assert.match(await page.locator('#case-children').innerText(), /Bea Sample/)
  assert.match(await page.locator('#marker-status').innerText(), /Requested on[\s\S]*DEMO-A-1[\s\S]*Requested/)
  assert.match(await page.locator('#meetings-timeline').innerText(), /Level 2 review/)
  assert.match(await page.locator('#case-actions').innerText(), /Share the safety plan[\s\S]*Probation[\s\S]*Overdue/)
  assert.match(await page.locator('#category-history-table').innerText(), /Category 2/)
  assert.ok(await page.locator('#case-referrals tbody tr').count() >= 1)
  await assertNoAxe(page, 'the case record')
  await screenshot(page, 'case-record')

  // Keyboard: "On this page" takes you to the meetings.
  await page.locator('h1').focus()
  await tabTo(page, 'nav[aria-label="On this page"] a[href="#meetings"]')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => location.hash === '#meetings')

  // At 320 px nothing but the tables' own regions scrolls sideways.
  await page.setViewportSize({ width: 320, height: 800 })
  await noSidewaysScroll(page)
  await assertNoAxe(page, 'the case record at 320 px')
  await screenshot(page, 'case-record-320')
  assert.deepEqual(problems, [])
  await context.close()
})

test('Home: a social worker sees their meetings and actions; a service manager their meetings with the replies owed and the team’s picture', { timeout: 180000 }, async () => {
  // A business support officer books a meeting of the demo case and gives
  // the demo social worker an action (the rota invites the social worker
  // and a service manager).
  const bso = await newPage(browser)
  await signInAs(bso.page, server.url, 'Business support officer')
  await bso.page.goto(new URL('register?level=2', server.url).href)
  await bso.page.locator('#register-table a', { hasText: 'Adam Demoperson' }).click()
  await bso.page.waitForURL(/\/cases\/[^/]+$/)
  const caseId = new URL(bso.page.url()).pathname.split('/').pop()
  const day = new Date(Date.now() + 35 * 86400000)
  while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1)
  const m = await apiCall(bso.page, 'POST', `/v1/staff/cases/${caseId}/meetings`, { level: 2, kind: 'review', date: day.toISOString().slice(0, 10), time: '14:00', place: 'Exampleton Civic Centre' })
  assert.equal(m.status, 201, JSON.stringify(m.body))
  const a = await apiCall(bso.page, 'POST', `/v1/staff/meetings/${m.body.meeting.id}/actions`, { text: 'Visit the school with the plan', ownerId: 'staff-sw-1', due: new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10) })
  assert.equal(a.status, 201, JSON.stringify(a.body))
  await bso.context.close()

  const sw = await newPage(browser)
  await signInAs(sw.page, server.url, 'Social worker')
  await sw.page.waitForURL((u) => u.pathname === '/')
  await sw.page.locator('#my-actions').waitFor()
  assert.match(await sw.page.locator('#my-actions-table').innerText(), /Visit the school with the plan[\s\S]*in 7 days/)
  // The rota invites the social worker within seconds: reload until this
  // meeting shows (the table may already hold another test's meeting).
  const booked = /Level 2 review[\s\S]*at 2:00pm/
  const shown = async () => await sw.page.locator('#my-meetings-table').count() > 0 && booked.test(await sw.page.locator('#my-meetings-table').innerText())
  for (let i = 0; i < 40 && !(await shown()); i++) {
    await sw.page.waitForTimeout(500)
    await sw.page.reload()
    await sw.page.locator('#my-meetings').waitFor()
  }
  assert.match(await sw.page.locator('#my-meetings-table').innerText(), booked)
  await assertNoAxe(sw.page, 'a social worker’s home with meetings and actions')
  assert.deepEqual(sw.problems, [])
  await sw.context.close()

  const sm = await newPage(browser)
  await signInAs(sm.page, server.url, 'Service manager')
  await sm.page.waitForURL((u) => u.pathname === '/')
  await sm.page.locator('#team-picture').waitFor()
  assert.match(await sm.page.locator('#team-picture').innerText(), /\d+ in all/)
  // The invitation goes out through the meetings stream: reload until the reply is owed.
  for (let i = 0; i < 40 && !/Reply owed/.test(await sm.page.locator('#my-meetings').innerText()); i++) {
    await sm.page.waitForTimeout(500)
    await sm.page.reload()
    await sm.page.locator('#my-meetings').waitFor()
  }
  assert.match(await sm.page.locator('#replies-owed').innerText(), /You owe a reply to \d+ invitation/)
  assert.match(await sm.page.locator('#my-meetings-table').innerText(), /Reply owed/)
  await assertNoAxe(sm.page, 'a service manager’s home')
  await sm.page.setViewportSize({ width: 320, height: 800 })
  await noSidewaysScroll(sm.page)
  await assertNoAxe(sm.page, 'a service manager’s home at 320 px')
  await screenshot(sm.page, 'home-service-manager-picture')
  // By keyboard: the team picture's link opens the register.
  await sm.page.setViewportSize({ width: 1280, height: 900 })
  await sm.page.locator('h1').focus()
  await tabTo(sm.page, '#team-picture a[href="/register?sort=rag"]', 120)
  await sm.page.keyboard.press('Enter')
  await sm.page.waitForURL((u) => u.pathname === '/register')
  await sm.page.locator('h1', { hasText: 'Risk register' }).waitFor()
  assert.deepEqual(sm.problems, [])
  await sm.context.close()
})
