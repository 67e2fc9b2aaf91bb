// Issue 9, "Done when", in a real browser against the whole local system
// (dev server with its demo data, the real rota function on the streams):
// a business support officer records a level 2 meeting for the demo case,
// sees the service manager and the child's social worker chosen, each with
// the reason; moves the meeting (by keyboard); raises the case to level 3
// and sees the handover to a head of service. axe (WCAG 2.2 AA tags) on the
// case's meetings, the meeting page, the staff and rota pages; the meeting
// page is usable at 320 px (no sideways scrolling).

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startDevServer, launchBrowser, newPage, assertNoAxe as noAxe, screenshot, signInAs } from './helpers.mjs'

let server, browser
before(async () => {
  server = await startDevServer()
  browser = await launchBrowser()
})
after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

/** A weekday n days from today, as { day, month, year }. */
function weekdayIn (n) {
  const d = new Date()
  d.setUTCDate(d.getUTCDate() + n)
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1)
  return { day: String(d.getUTCDate()), month: String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) }
}

async function fillDate (page, id, d) {
  await page.fill(`#${id}-day`, d.day)
  await page.fill(`#${id}-month`, d.month)
  await page.fill(`#${id}-year`, d.year)
}

test('BSO: level 2 meeting for the demo case, SM and social worker with reasons, move, level 3 handover to a HoS', { timeout: 240000 }, async () => {
  const { page, problems } = await newPage(browser)
  await signInAs(page, server.url, 'Business support officer')

  // The demo case: from the queue, its referral, its case record, its meetings.
  await page.goto(new URL('referrals', server.url).href)
  await page.getByRole('link', { name: /Demoperson/ }).first().click()
  await page.locator('#case-link').click()
  await page.locator('#meetings-link').click()
  await page.waitForURL(/\/cases\/[^/]+\/meetings$/)
  await page.getByRole('heading', { name: 'Meetings, children and tasks' }).waitFor()
  assert.match(await page.locator('#children-table').innerText(), /Bea Sample[\s\S]*Cara Testperson/)
  await noAxe(page, 'the case meetings page')
  await fitsAt320(page, 'the case meetings page')

  // Change the child's team (field-level edit of an associated child).
  await page.getByRole('button', { name: 'Change Bea Sample' }).click()
  await page.fill('#c-team', 'Exampleton Child Protection team')
  await page.getByRole('button', { name: 'Save the child' }).click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('#children-table').innerText(), /Exampleton Child Protection team/)

  // A level 2 meeting, 30 days away; first an empty form shows GOV.UK errors.
  await page.locator('#record-meeting summary').click()
  await page.getByRole('button', { name: 'Record the meeting' }).click()
  await page.locator('.govuk-error-summary').waitFor()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the date of the meeting/)
  await noAxe(page, 'the meeting form with errors')
  await page.check('#m-level-2')
  await fillDate(page, 'm-date', weekdayIn(30))
  await page.fill('#m-time', '10:00')
  await page.fill('#m-place', 'Exampleton Police Station')
  await page.fill('#m-chair', 'DI Demo Chair')
  await page.fill('#m-lead', 'Probation')
  await page.getByRole('button', { name: 'Record the meeting' }).click()
  await page.waitForURL(/\/meetings\/[^/]+$/)
  const meetingUrl = page.url()

  // The rota function chooses; the page updates by itself.
  const attendees = page.locator('#attendees')
  await attendees.waitFor({ timeout: 30000 })
  await page.waitForFunction(() => !document.getElementById('assigning'), null, { timeout: 30000 })
  let text = await attendees.innerText()
  assert.match(text, /Hana Dummy/, 'the service manager attends')
  assert.match(text, /Service manager/)
  assert.match(text, /Cara Testperson/, "the child's social worker attends")
  assert.match(text, /Child's social worker/)
  assert.match(text, /allocated social worker of child 1/)
  assert.match(text, /(Continuity|Fewest individuals)/)
  await noAxe(page, 'the meeting page')
  await screenshot(page, 'meeting-level-2')

  await fitsAt320(page, 'the meeting page')

  // Move it, by keyboard only.
  await page.locator('#move summary').focus()
  await page.keyboard.press('Enter')
  const later = weekdayIn(37)
  await page.locator('#mv-date-day').focus()
  await page.keyboard.type(later.day)
  await page.keyboard.press('Tab')
  await page.keyboard.type(later.month)
  await page.keyboard.press('Tab')
  await page.keyboard.type(later.year)
  await page.keyboard.press('Tab')
  await page.keyboard.press('Control+A')
  await page.keyboard.type('14:00')
  await page.keyboard.press('Tab')
  await page.keyboard.type('The chair is in court')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('#history-table').innerText(), /moved[\s\S]*The chair is in court/)
  assert.match(await page.locator('[data-row=meeting-when]').innerText(), /2:00pm/)
  await page.waitForFunction(() => !document.getElementById('assigning'), null, { timeout: 30000 })
  assert.match(await page.locator('#attendees').innerText(), /Hana Dummy/)

  // Raise the case to level 3 (as the meeting decided).
  await page.getByRole('link', { name: 'All meetings of this case' }).click()
  await page.getByRole('heading', { name: 'Meetings, children and tasks' }).waitFor()
  await page.locator('#change-level summary').click()
  await page.check('#l-level-3')
  await page.fill('#l-reason', 'Media interest: senior representation needed')
  const now = new Date()
  await fillDate(page, 'l-meeting', { day: String(now.getUTCDate()), month: String(now.getUTCMonth() + 1), year: String(now.getUTCFullYear()) })
  await page.getByRole('button', { name: 'Change the level' }).click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  for (let i = 0; i < 20; i++) {
    text = await page.locator('#tasks').evaluate(() => document.body.innerText)
    if (/Handover from the service manager to the head of service/.test(text)) break
    await page.waitForTimeout(700)
    await page.reload()
    await page.getByRole('heading', { name: 'Meetings, children and tasks' }).waitFor()
  }
  const tasks = await page.locator('#tasks-table').innerText()
  assert.match(tasks, /Handover from the service manager to the head of service/)
  assert.match(tasks, /From Hana Dummy to Kit Madeup/)
  await screenshot(page, 'case-level-3-handover')

  // The meeting now has the head of service.
  await page.goto(meetingUrl)
  await page.locator('#attendees').waitFor()
  await page.waitForFunction(() => /Kit Madeup/.test(document.getElementById('attendees')?.innerText || ''), null, { timeout: 30000 })
  text = await page.locator('#attendees').innerText()
  assert.match(text, /Kit Madeup/)
  assert.match(text, /Head of service/)
  assert.match(await page.locator('[data-row=meeting-level]').innerText(), /Level 3/)

  // Held: the next review is booked inside the level 3 window.
  await page.getByRole('button', { name: 'Record that the meeting was held' }).click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('.govuk-notification-banner--success').innerText(), /The next review is booked for/)

  // Staff and rota pages.
  await page.goto(new URL('rota', server.url).href)
  await page.getByRole('heading', { name: 'Rota' }).waitFor()
  assert.match(await page.locator('#rota-head-of-service').innerText(), /Kit Madeup/)
  await noAxe(page, 'the rota page')
  await fitsAt320(page, 'the rota page')
  await page.goto(new URL('staff', server.url).href)
  await page.getByRole('heading', { name: 'Staff' }).waitFor()
  // Add a person to the directory (business support officers keep it).
  await page.locator('#add-person summary').click()
  await page.fill('#p-name', 'Oli Newstarter')
  await page.fill('#p-email', 'oli.newstarter@example.gov.uk')
  await page.selectOption('#p-role', 'service-manager')
  await page.fill('#p-team', "Children's social care")
  await page.getByRole('button', { name: 'Add the person' }).click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('#people').innerText(), /Oli Newstarter/)
  await noAxe(page, 'the staff directory')
  await page.getByRole('link', { name: 'Hana Dummy' }).click()
  await page.getByRole('heading', { name: 'Hana Dummy' }).waitFor()
  await noAxe(page, 'a person page')

  // Change a person: a blank name is refused with the GOV.UK error summary
  // (linked to the field), the change is saved, and a change made meanwhile
  // by someone else is not overwritten (optimistic version).
  await page.locator('#edit-person summary').click()
  assert.equal(await page.inputValue('#ep-name'), 'Hana Dummy')
  await page.fill('#ep-name', '')
  await page.getByRole('button', { name: 'Save their details' }).click()
  await page.locator('.govuk-error-summary').waitFor()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the person's name/)
  assert.match(await page.locator('#ep-name-error').innerText(), /Enter the person's name/)
  await noAxe(page, 'a person page with errors')
  assert.equal(await page.locator('.govuk-error-summary a[href="#ep-name"]').count(), 1)
  await page.fill('#ep-name', 'Hana Dummy')
  await page.fill('#ep-team', 'Locality team north')
  await page.getByRole('button', { name: 'Save their details' }).click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('.govuk-notification-banner--success').innerText(), /Hana Dummy's details were saved/)
  assert.match(await page.locator('main').innerText(), /Locality team north/)
  const personUrl = page.url()
  await page.locator('#edit-person summary').click()
  await page.fill('#ep-team', 'My change')
  {
    const other = await newPage(browser)
    await signInAs(other.page, server.url, 'Administrator')
    await other.page.goto(personUrl)
    await other.page.getByRole('heading', { name: 'Hana Dummy' }).waitFor()
    await other.page.locator('#edit-person summary').click()
    await other.page.fill('#ep-team', 'Their change')
    await other.page.getByRole('button', { name: 'Save their details' }).click()
    await other.page.locator('.govuk-notification-banner--success').waitFor()
    await other.page.context().close()
  }
  await page.getByRole('button', { name: 'Save their details' }).click()
  await page.locator('.govuk-error-summary').waitFor()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /someone else changed them meanwhile/)
  assert.match(await page.locator('main').innerText(), /Their change/)
  assert.doesNotMatch(await page.locator('main').innerText(), /My change/)

  // Panel days: linked from the rota page; a business support officer adds
  // one (a blank date is refused with the error summary) and removes it.
  await page.goto(new URL('rota', server.url).href)
  await page.getByRole('link', { name: 'Panel days for level 2 business' }).click()
  await page.getByRole('heading', { name: 'Panel days' }).waitFor()
  await page.getByRole('button', { name: 'Add the panel day' }).click()
  await page.locator('.govuk-error-summary').waitFor()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the date of the panel day/)
  await noAxe(page, 'the panel days page with an error')
  // A Friday: the demo's panel days are Thursdays.
  const day = (() => { const d = new Date(); d.setUTCDate(d.getUTCDate() + 40); while (d.getUTCDay() !== 5) d.setUTCDate(d.getUTCDate() + 1); return { day: String(d.getUTCDate()), month: String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) } })()
  await fillDate(page, 'pd-date', day)
  await page.getByRole('button', { name: 'Add the panel day' }).click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  const monthName = new Date(Date.UTC(2000, Number(day.month) - 1, 1)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })
  const shown = new RegExp(`\\b${day.day} ${monthName} ${day.year}`)
  assert.match(await page.locator('#panel-days').innerText(), shown)
  await noAxe(page, 'the panel days page')
  // Kept by the API, not only on the screen.
  await page.reload()
  await page.getByRole('heading', { name: 'Panel days' }).waitFor()
  assert.match(await page.locator('#panel-days').innerText(), shown)
  await page.getByRole('button', { name: new RegExp(`Remove ${day.day} ${monthName}`) }).click()
  await page.locator('.govuk-notification-banner--success').waitFor()
  assert.match(await page.locator('.govuk-notification-banner--success').innerText(), /is no longer a panel day/)
  assert.doesNotMatch(await page.locator('#panel-days').innerText(), shown)
  await page.goto(new URL('staff', server.url).href)
  await page.getByRole('link', { name: 'Panel days for level 2 business' }).waitFor()

  await page.goto(new URL('my-meetings', server.url).href)
  await page.getByRole('heading', { name: 'My meetings' }).waitFor()
  await noAxe(page, 'my meetings')
  await fitsAt320(page, 'my meetings')
  for (const [path, heading] of [['staff', 'Staff'], ['panel-days', /Panel days/]]) {
    await page.goto(new URL(path, server.url).href)
    await page.getByRole('heading', { name: heading }).first().waitFor()
    await fitsAt320(page, `the ${path} page`)
  }

  // The 422s are forms submitted wrong on purpose; the 409 the stale change.
  assert.deepEqual(problems.filter((p) => !/status of (422|409)/.test(p)), [])
})

// fitsAt320 checks a page is usable on a small phone: at 320 px nothing
// scrolls sideways but the tables' own wrappers, and axe still passes.
async function fitsAt320 (page, name) {
  await page.setViewportSize({ width: 320, height: 800 })
  try {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px at 320px`)
    await noAxe(page, `${name} at 320px`)
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 })
  }
}
