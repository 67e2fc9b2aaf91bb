// The referrals queue for triage in a real browser (Chromium, axe WCAG 2.2
// AA) against the whole local system: a business support officer sees the
// status tabs with their counts and the most urgent referral first (the
// demo's short-notice meeting), searches by keyboard alone for a CRN
// written in lower case and finds that person's referrals as one row (the
// demo referral and a second one the police sent about the same person),
// opens the referral from the results; at 320 px nothing scrolls sideways.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { startDevServer, launchBrowser, newPage, assertNoAxe, screenshot, signInAs, agencyToken, noSidewaysScroll } from './helpers.mjs'

let server, browser

before(async () => {
  server = await startDevServer()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

function daysFromToday (n) {
  const d = new Date()
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

// The demo's Carl Fictional (CRN D100002, born 1979-01-20) referred again,
// by the police this time: the same person, so the same case.
function carlAgain (ref) {
  return {
    agencyReference: ref,
    referringAgency: { type: 'police', name: 'Demo Constabulary' },
    leadAgency: { type: 'probation', name: 'Demo Probation Delivery Unit' },
    referrer: { name: 'DC Demo', role: 'Public protection unit', email: 'ppu@example.police.uk' },
    person: { givenNames: 'Carl', familyName: 'Fictional', dateOfBirth: '1979-01-20', gender: 'male', identifiers: { crn: 'D100002' } },
    address: { noFixedAbode: true, areaOfClosestLinks: 'Exampleton town centre' },
    facts: {
      dateOfBirth: '1979-01-20',
      offences: [{ code: 'SOA2003-S3', description: 'Sexual assault', disposal: 'caution', date: daysFromToday(-200) }],
      notification: { status: 'yes' },
      currentRisk: 'medium'
    },
    currentRisk: { children: 'medium', public: 'medium', knownAdult: 'low', staff: 'low', toWhom: 'Children in public places' },
    reasonForReferral: 'Seen again near a play area.',
    levelRequested: 2,
    meetingInvitation: { date: daysFromToday(36), time: '11:00', link: 'https://meet.example.gov.uk/mappa/demo-2b', meetingType: 'initial' }
  }
}

/** The days left of each row's meeting, in row order (null: no meeting). */
async function daysLeft (page) {
  const cells = await page.locator('#referrals tbody td[data-label="Meeting"]').allInnerTexts()
  return cells.map((t) => {
    if (/No meeting yet/.test(t)) return null
    if (/today/i.test(t)) return 0
    const m = t.match(/in (\d+) days?/) || t.match(/(\d+) days? ago/)
    assert.ok(m, `meeting cell "${t}"`)
    return /ago/.test(t) ? -Number(m[1]) : Number(m[1])
  })
}

test('a business support officer sees the counts and the most urgent first, and finds a person by CRN with their referrals grouped', { timeout: 240000 }, async () => {
  // The police refer Carl Fictional again; wait until it is classified
  // (its search entries come with the classification).
  const token = await agencyToken(server.url, 'dev-agency-police', 'dev-secret-police')
  const ref = 'DEMO-TVP-' + randomUUID().slice(0, 6)
  const posted = await fetch(new URL('v1/referrals', server.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': ref },
    body: JSON.stringify(carlAgain(ref))
  })
  assert.equal(posted.status, 202, await posted.clone().text())
  const againId = (await posted.json()).id
  for (let i = 0; ; i++) {
    const r = await fetch(new URL(`v1/referrals/${againId}`, server.url), { headers: { Authorization: `Bearer ${token}` } })
    if ((await r.json()).status === 'classified') break
    assert.ok(i < 60, 'the referral was not classified within 30 seconds')
    await new Promise((resolve) => setTimeout(resolve, 500))
  }

  const { context, page, problems } = await newPage(browser)
  await signInAs(page, server.url, 'Business support officer')
  await page.goto(new URL('referrals', server.url).href)
  await page.locator('#referrals').waitFor()
  assert.equal(await page.title(), 'Referrals – MAPPA Coordinator')

  // The tabs' counts: four referrals, all classified (two for Carl).
  const count = async (tab) => Number(await page.locator(`#tab-${tab} .app-count`).getAttribute('data-count'))
  assert.equal(await count('all'), 4)
  assert.equal(await count('classified'), 4)
  assert.equal(await count('accepted'), 0)
  assert.match(await page.locator('#tab-classified').innerText(), /Classified \(4\)/)

  // Most urgent first: the short-notice meeting in 8 days, then by date;
  // the one without a meeting last. Carl's two referrals are one row.
  const rows = await page.locator('#referrals tbody tr').allInnerTexts()
  assert.equal(rows.length, 3, rows.join('\n---\n'))
  assert.match(rows[0], /Demoperson[\s\S]*in 8 days[\s\S]*Short notice/)
  assert.match(rows[1], /Fictional[\s\S]*2 referrals for this person/)
  assert.match(rows[2], /Invented[\s\S]*No meeting yet/)
  const left = await daysLeft(page)
  const dated = left.filter((d) => d !== null)
  assert.deepEqual(dated, [...dated].sort((a, b) => a - b), `meetings in order: ${left}`)
  assert.equal(left[left.length - 1], null)
  await assertNoAxe(page, 'the queue')
  await screenshot(page, 'queue-counts')

  // The group opens to show the other referral, with a link to it.
  await page.locator('#referrals tbody tr').nth(1).locator('summary').click()
  assert.equal(await page.locator(`#referrals a[href="/referrals/${againId}"]`).count(), 1)
  await assertNoAxe(page, 'the queue with a group open')

  // Keyboard alone: Tab to the search box, type the CRN in lower case, Enter.
  await page.reload()
  await page.locator('#referrals').waitFor()
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate(() => document.activeElement && document.activeElement.id) === 'q') break
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q', 'the search box is reachable by Tab')
  await page.keyboard.type('d100002')
  await page.keyboard.press('Enter')
  await page.locator('#search-results').waitFor()
  assert.match(await page.locator('#search-results').innerText(), /^2 referrals found \(2 classified\)/)
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search-results', 'focus moves to the results')
  // The search text is in neither the address nor the title.
  assert.equal(new URL(page.url()).search, '')
  assert.equal(await page.title(), 'Referrals: search – MAPPA Coordinator')
  const found = await page.locator('#referrals tbody tr').allInnerTexts()
  assert.equal(found.length, 1)
  assert.match(found[0], /Carl Fictional[\s\S]*2 referrals for this person/)
  await assertNoAxe(page, 'the search results')
  await screenshot(page, 'queue-search')

  // At 320 px: nothing scrolls sideways, each row is a block with labels.
  await page.setViewportSize({ width: 320, height: 800 })
  await noSidewaysScroll(page, 'the search results at 320 px')
  const label = await page.locator('#referrals tbody td[data-label="Meeting"]').first().evaluate((td) => getComputedStyle(td, '::before').content)
  assert.equal(label, '"Meeting: "', 'each value beside its column name')
  const box = await page.locator('#referrals tbody tr').first().boundingBox()
  assert.ok(box.width <= 320, `a row is ${box.width}px wide`)
  await assertNoAxe(page, 'the search results at 320 px')

  // On to the referral, by keyboard: Tab to the person's link, Enter.
  const link = page.locator('#referrals tbody th a').first()
  const target = await link.getAttribute('href')
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href')) === target) break
  }
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), target)
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => u.pathname === target)
  await page.locator('#referral-summary').waitFor()

  // The queue itself at 320 px.
  await page.goto(new URL('referrals', server.url).href)
  await page.locator('#referrals').waitFor()
  await noSidewaysScroll(page, 'the queue at 320 px')
  await assertNoAxe(page, 'the queue at 320 px')
  await screenshot(page, 'queue-320')

  // Nothing found: said plainly.
  await page.fill('#q', 'Nobody')
  await page.press('#q', 'Enter')
  await page.locator('#search-results').waitFor()
  assert.equal(await page.locator('#search-results').innerText(), 'No referrals found')
  await assertNoAxe(page, 'a search that found nothing')

  assert.deepEqual(problems, [])
  await context.close()
})
