// Issue 10, "Done when", in a real browser against the whole local system
// (dev server with its demo data; the rota and reminders functions on the
// streams): a business support officer records a meeting for the demo
// case; the rota chooses the service manager and the invitations arrive in
// the local inbox with a calendar attachment; the service manager accepts
// from the emailed link without signing in; the business support officer
// sees the reply and records that the social worker did not attend, and
// the absence shows as escalated. axe (WCAG 2.2 AA tags) on the reply
// pages and the replies and attendance page. The service manager's home
// page lists their tasks (the demo case's supervision), axe-clean at 320 px.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDevServer, launchBrowser, newPage, assertNoAxe as noAxe, screenshot, signInAs } from './helpers.mjs'

// The system's clock starts at 10:00 London on Wednesday 10 March 2027 (a
// working day, GMT) and runs on: the meeting is booked for 12:00 the same
// day, so it is short notice, still to come when the rota staffs it, and
// on the day attendance is recorded, whatever time the test runs at.
const NOW = '2027-03-10T10:00:00Z'
const MEETING = { day: '10', month: '3', year: '2027', time: '12:00' }

let server, browser
before(async () => {
  server = await startDevServer({ now: NOW })
  browser = await launchBrowser()
})
after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

async function inbox () {
  const m = server.output().match(/Local inbox \(SES\):\s*(http:\/\/127\.0\.0\.1:\d+)/)
  assert.ok(m, 'the dev server prints the local inbox address')
  const res = await fetch(`${m[1]}/store`)
  return (await res.json()).emails || []
}

test('invitation with a calendar in the inbox, accept from the link, attendance recorded, absence escalated', { timeout: 240000 }, async () => {
  const { page } = await newPage(browser)
  await signInAs(page, server.url, 'Business support officer')
  await page.goto(new URL('referrals', server.url).href)
  await page.getByRole('link', { name: /Demoperson/ }).first().click()
  await page.locator('#case-link').click()
  await page.locator('#meetings-link').click()
  await page.waitForURL(/\/cases\/[^/]+\/meetings$/)
  await page.getByRole('heading', { name: 'Meetings, children and tasks' }).waitFor()

  // A level 2 meeting later today (short notice).
  const when = MEETING
  await page.locator('#record-meeting summary').click()
  await page.check('#m-level-2')
  await page.fill('#m-date-day', when.day)
  await page.fill('#m-date-month', when.month)
  await page.fill('#m-date-year', when.year)
  await page.fill('#m-time', when.time)
  await page.fill('#m-place', 'Exampleton Police Station')
  await page.fill('#m-chair', 'DI Demo Chair')
  await page.fill('#m-lead', 'Probation')
  await page.getByRole('button', { name: 'Record the meeting' }).click()
  await page.waitForURL(/\/meetings\/[^/]+$/)
  const meetingUrl = page.url()
  const meetingId = meetingUrl.split('/').pop()
  await page.locator('#attendees').waitFor({ timeout: 30000 })
  await page.waitForFunction(() => !document.getElementById('assigning'), null, { timeout: 30000 })

  // The invitations reach the local inbox with a calendar attachment.
  let invite
  for (let i = 0; i < 40 && !invite; i++) {
    invite = (await inbox()).find((e) => (e.destination.to || []).includes('hana.dummy@example.gov.uk') && /Invitation/.test(e.subject) &&
      (e.text || (e.body && e.body.text) || '').includes(`/meetings/${meetingId}/`))
    if (!invite) await page.waitForTimeout(500)
  }
  assert.ok(invite, 'the service manager is invited')
  assert.match(invite.subject, /SHORT NOTICE/)
  const ics = (invite.attachments || []).find((a) => /text\/calendar/.test(a.contentType))
  assert.ok(ics, 'with a calendar attachment')
  const body = invite.text || (invite.body && invite.body.text) || ''
  assert.doesNotMatch(body, /Demoperson|Exampleton/, 'no names or places in the email')
  const accept = body.match(/Accept: (\S+)/)[1]

  // The service manager accepts from the link, without signing in.
  const { page: sm } = await newPage(browser)
  await sm.goto(accept)
  await sm.getByRole('heading', { name: 'Confirm you will attend' }).waitFor()
  assert.doesNotMatch(await sm.locator('main').innerText(), /Demoperson|Exampleton/, 'the landing page shows nothing sensitive')
  await noAxe(sm, 'the reply page')
  await sm.getByRole('button', { name: 'Confirm I will attend' }).click()
  await sm.getByRole('heading', { name: 'Reply recorded' }).waitFor()
  await noAxe(sm, 'the reply recorded page')
  await sm.goto(accept)
  await sm.getByRole('heading', { name: 'You cannot use this link' }).waitFor()
  await screenshot(sm, 'reply-used')

  // The business support officer sees the reply and records attendance.
  await page.goto(meetingUrl)
  await page.locator('#replies-link').click()
  await page.waitForURL(/\/attendance$/)
  await page.getByRole('heading', { name: 'Replies and attendance' }).waitFor()
  assert.match(await page.locator('#replies').innerText(), /Hana Dummy[\s\S]*Accepted/)
  await noAxe(page, 'the replies and attendance page')
  // An empty form: GOV.UK errors.
  await page.getByRole('button', { name: 'Record attendance' }).click()
  await page.locator('.govuk-error-summary').waitFor()
  await noAxe(page, 'the attendance form with errors')
  // The social worker did not attend, unexplained: escalated at once.
  const rows = await page.locator('#replies tbody tr').count()
  assert.ok(rows >= 2, 'the service manager and the social worker are invited')
  await page.getByLabel('Cara Testperson').check()
  await page.getByLabel('Did not attend').check()
  await page.getByRole('button', { name: 'Record attendance' }).click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('#replies').innerText(), /Cara Testperson[\s\S]*Did not attend[\s\S]*Chair told/)
  await page.getByLabel('Hana Dummy').check()
  await page.getByLabel('Attended', { exact: true }).check()
  await page.getByRole('button', { name: 'Record attendance' }).click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  await noAxe(page, 'the attendance page after recording')
  await screenshot(page, 'attendance-escalated')

  // The service manager's home page lists their tasks: the demo case was
  // accepted (by the demo data, at the clock's start), so its supervision
  // is due 4 weeks on, Wednesday 7 April 2027.
  const { page: home } = await newPage(browser)
  await signInAs(home, server.url, 'Service manager')
  await home.waitForURL((u) => u.pathname === '/')
  let tasks = ''
  for (let i = 0; i < 30 && !/Supervise this new case/.test(tasks); i++) {
    if (i) await home.waitForTimeout(500)
    await home.reload()
    await home.locator('#your-tasks').waitFor()
    tasks = await home.locator('#your-tasks').innerText()
  }
  assert.match(await home.locator('h1').innerText(), /Hana/)
  assert.match(tasks, /Supervise this new case[^\n]*\s+7 April 2027/)
  await noAxe(home, 'the home page with tasks')
  await home.setViewportSize({ width: 320, height: 800 })
  const over = await home.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(over <= 0, `the home page scrolls sideways by ${over}px at 320 px`)
  await noAxe(home, 'the home page with tasks at 320 px')
  await screenshot(home, 'home-tasks')
})
